"""Pictures of Step 3: the pipeline, embeddings, attention, the KV cache, the loss."""

from diagrams import pipeline
from matplotlib.patches import Rectangle
from plotting import loss_axes, loss_curve, results, step_colour, style, token_labels

from microgpt.data import Tokenizer
from microgpt.step2_autograd import Value
from microgpt.step3_attention import gpt

EXAMPLE_NAME = "emma"  # a name with a repeated letter: same token, two positions
ATTENTION_NAMES = ("emma", "olivia", "isabella")


def trained_model():
    res = results("step3")
    state_dict = {name: [[Value(w) for w in row] for row in m] for name, m in res["weights"].items()}
    return state_dict, Tokenizer(res["uchars"]), res


def attention_rows(name):
    """The trained model's attention weights at each position of BOS + name."""
    state_dict, tokenizer, _ = trained_model()
    keys, values, rows = [], [], []
    for pos, token_id in enumerate(tokenizer.encode(name)[:-1]):
        gpt(state_dict, token_id, pos, keys, values, attention=rows)
    return ["BOS", *name], rows


def step3_pipeline(fig, theme):
    ax = fig.subplots()
    pipeline(ax, [("token, position", True), ("wte + wpe", True), ("RMSNorm", True),
                  ("q, k, v", True), ("attention\nover KV cache", True), ("attn_wo\n+ residual", True),
                  ("RMSNorm", True), ("MLP\n16→64→16", False), ("+ residual", True),
                  ("lm_head\n→ logits", True), ("softmax,\nloss", False), ("backward,\nSGD", False)],
             theme, per_row=6)
    ax.set_title("Step 3: new blocks highlighted", color=theme["text"])


def embeddings(fig, theme):
    _, tokenizer, res = trained_model()
    tokens = tokenizer.encode(EXAMPLE_NAME)[:-1]
    wte, wpe = res["weights"]["wte"], res["weights"]["wpe"]
    panels = [("wte[token]", [wte[t] for t in tokens]),
              ("wpe[position]", [wpe[p] for p in range(len(tokens))]),
              ("x = wte[token] + wpe[position]",
               [[a + b for a, b in zip(wte[t], wpe[p])] for p, t in enumerate(tokens)])]
    labels = [f"{p}: {token_labels(res)[t]}" for p, t in enumerate(tokens)]
    axes = fig.subplots(1, 3)
    biggest = max(abs(v) for _, rows in panels for row in rows for v in row)
    for ax, (title, rows) in zip(axes, panels):
        image = ax.imshow(rows, cmap="RdBu_r", vmin=-biggest, vmax=biggest)
        ax.set_title(title, fontsize=10)
        ax.set_yticks(range(len(labels)), labels)
        ax.set_xticks([])
        ax.set_xlabel("16 dimensions")
        style(ax, theme)
    bar = fig.colorbar(image, ax=axes, shrink=0.8)
    bar.ax.tick_params(colors=theme["text"])


def attention(fig, theme):
    axes = fig.subplots(1, len(ATTENTION_NAMES))
    for ax, name in zip(axes, ATTENTION_NAMES):
        labels, rows = attention_rows(name)
        grid = [row + [float("nan")] * (len(labels) - len(row)) for row in rows]
        ax.imshow(grid, cmap=theme["cmap"], vmin=0, vmax=1)
        ax.set_xticks(range(len(labels)), labels)
        ax.set_yticks(range(len(labels)), labels)
        ax.set_xlabel("looks at (cached position)")
        ax.set_title(name)
        style(ax, theme)
    axes[0].set_ylabel("current position")


def kv_cache(fig, theme):
    labels = ["BOS", *EXAMPLE_NAME]
    ax = fig.subplots()
    for pos in range(len(labels)):
        y = -pos
        ax.text(-0.6, y, f"position {pos}, reading {labels[pos]}", ha="right", va="center",
                color=theme["text"], fontsize=9)
        for t in range(pos + 1):
            new = t == pos
            for row, kind in ((0.2, "k"), (-0.2, "v")):
                ax.add_patch(Rectangle((t * 1.1, y + row - 0.17), 1.0, 0.34,
                                       facecolor=theme["lines"][1] if new else "none",
                                       edgecolor=theme["text"], linewidth=0.8))
                ax.text(t * 1.1 + 0.5, y + row, f"{kind}{t} ({labels[t]})", ha="center", va="center",
                        fontsize=7, color="#1b1b1b" if new else theme["text"])
    ax.set_xlim(-5.2, len(labels) * 1.1)
    ax.set_ylim(-len(labels) + 0.4, 0.6)
    ax.set_title("keys and values in the cache; the highlighted pair is added at this position",
                 color=theme["text"])
    ax.axis("off")


def step3_loss(fig, theme):
    res0, res2, res3 = results("step0"), results("step2"), results("step3")
    ax = fig.subplots()
    for step, res, label in [(2, res2, "Step 2: MLP on one token"),
                             (3, res3, "Step 3: attention over the name so far")]:
        ax.plot(*loss_curve(res["losses"]), color=step_colour(theme, step), linewidth=2, label=label)
    loss_axes(ax, theme, res0)
    ax.set_title("Loss, mean of the last 50 names")
    ax.legend(frameon=False, labelcolor=theme["text"])
    style(ax, theme)


PICTURES = {
    "step-3/pipeline": (step3_pipeline, (12, 2.7)),
    "step-3/embeddings": (embeddings, (10, 2.4)),
    "step-3/attention": (attention, (12, 4.4)),
    "step-3/kv-cache": (kv_cache, (9, 4.2)),
    "step-3/loss-curves": (step3_loss, (8, 4)),
}
