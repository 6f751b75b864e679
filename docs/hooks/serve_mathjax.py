"""Serve MathJax from the site itself (no CDN): copy the parts the pages use
out of the django-static-mathjax wheel, which packages MathJax 3."""

import shutil
from pathlib import Path

import mathjax  # the django-static-mathjax distribution

ES5 = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
PARTS = ["tex-chtml.js", "input/tex/extensions", "output/chtml/fonts/woff-v2"]


def on_post_build(config):
    target = Path(config["site_dir"]) / "assets" / "mathjax"
    for part in PARTS:
        source = ES5 / part
        if source.is_dir():
            shutil.copytree(source, target / part, dirs_exist_ok=True)
        else:
            (target / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / part)
