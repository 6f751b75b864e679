"""Draw the site's pictures at build time from the results files.

Every picture is drawn twice, for the light and the dark theme, as SVG with
live text, and added to the build as a generated file: nothing is committed,
so nothing can go stale. Pages show them with the `picture` macro. The
drawings themselves live in pictures_stepN.py, one module per step. Under
`nox -s serve` they are drawn once per content of their inputs (build_cache.py).

Both copies of a picture load lazily, and browsers never fetch a lazy image
that is hidden: so that the hidden one is the other theme's from the start,
each page sets the reader's colour scheme as soon as <body> opens (Material
does it only later on a first visit, when the light copies may already be
on their way).
"""

import io
import json
import logging
import re
import time

import matplotlib

matplotlib.use("Agg")
import build_cache  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pictures_speed  # noqa: E402
import pictures_step0  # noqa: E402
import pictures_step1  # noqa: E402
import pictures_step2  # noqa: E402
import pictures_step3  # noqa: E402
import pictures_step4_5  # noqa: E402
from mkdocs.structure.files import File  # noqa: E402
from plotting import THEMES  # noqa: E402

LOG = logging.getLogger("mkdocs.hooks.pictures")  # MkDocs shows its INFO lines
PICTURES = {**pictures_step0.PICTURES, **pictures_step1.PICTURES, **pictures_step2.PICTURES,
            **pictures_step3.PICTURES, **pictures_step4_5.PICTURES, **pictures_speed.PICTURES}


def svg(draw, size, theme):
    with plt.rc_context({"svg.fonttype": "none", "font.size": 10,
                         "text.color": theme["text"]}):
        fig = plt.figure(figsize=size, layout="constrained")
        draw(fig, theme)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", transparent=True, bbox_inches="tight")
        plt.close(fig)
    return buffer.getvalue()


def draw_all():
    """Every picture in both themes, as JSON: {site path: SVG text}."""
    LOG.info(f"pictures: drawing {len(PICTURES)} pictures in {len(THEMES)} themes...")
    return json.dumps({f"pictures/{name}-{theme_name}.svg": svg(draw, size, theme)
                       for name, (draw, size) in PICTURES.items()
                       for theme_name, theme in THEMES.items()}).encode()


def on_files(files, config):
    started = time.perf_counter()
    for path, content in json.loads(build_cache.cached("pictures", "all.json", draw_all)).items():
        files.append(File.generated(config, path, content=content))
    LOG.info(f"pictures: ready in {time.perf_counter() - started:.1f} s")
    return files


BODY = re.compile(r"<body[^>]*>")


def on_post_page(output, page, config):
    """On a first visit (no saved palette), apply the scheme of the palette
    whose media query matches, before any picture is laid out."""
    schemes = {entry["media"]: entry["scheme"] for entry in config["theme"]["palette"] if "media" in entry}
    dark = schemes.get("(prefers-color-scheme: dark)")
    if not dark:
        return output
    script = ('<script>if(!__md_get("__palette")&&matchMedia("(prefers-color-scheme: dark)").matches)'
              f'document.body.setAttribute("data-md-color-scheme","{dark}")</script>')
    return BODY.sub(lambda body: body.group(0) + script, output, count=1)
