"""Where each widget is shown: the browser tests open it there (conftest.py's
`widget` fixture), and test_every_widget_page_is_tested checks the list is complete."""

WIDGET_PAGES = {  # widget: the page that shows it (conftest.py's `widget` fixture opens it)
    "tokenizer": "step-0/02-tokenizer/",
    "next-token": "step-0/04-model/",
    "softmax": "step-1/03-linear-softmax/",
    "slope": "step-1/06-numerical-gradient/",
    "temperature": "step-1/09-training/",
    "beta": "step-5/02-momentum/",
    "loss-curves": "step-5/04-training-results/",
    "mlp-layers": "step-1/04-mlp/",
    "loss-slope": "step-1/06-numerical-gradient/",
    "gradient-check": "step-1/08-gradient-check/",
    "backward-graph": "step-2/05-backward/",
}
