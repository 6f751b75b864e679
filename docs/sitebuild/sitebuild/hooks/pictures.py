"""Draw the site's pictures at build time from the results files.

Every picture is drawn twice, for the light and the dark theme, as SVG with
live text, and added to the build as a generated file: nothing is committed,
so nothing can go stale. Pages show them with the `picture` macro. The
drawings themselves live in their chapter's module (sitebuild/chapters/, its
PICTURES). Under `nox -s serve` they are drawn once per content of their
inputs (sitebuild/build_cache.py).

Both copies of a picture load lazily, and browsers never fetch a lazy image
that is hidden: so that the hidden one is the other theme's from the start,
each page sets the reader's colour scheme as soon as <body> opens (Material
does it only later on a first visit, when the light copies may already be
on their way).
"""

import io
import json
import re

import matplotlib.pyplot as plt
from mkdocs.structure.files import File

from sitebuild import build_cache
from sitebuild.chapters import merged
from sitebuild.plotting import THEMES
from sitebuild.progress import phase

PICTURES = merged("PICTURES")


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
    return json.dumps({f"pictures/{name}-{theme_name}.svg": svg(draw, size, theme)
                       for name, (draw, size) in PICTURES.items()
                       for theme_name, theme in THEMES.items()}).encode()


def on_files(files, config):
    with phase(f"pictures: {len(PICTURES)} drawings in {len(THEMES)} themes"):
        drawn = json.loads(build_cache.cached("pictures", "all.json", draw_all))
    for path, content in drawn.items():
        files.append(File.generated(config, path, content=content))
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
