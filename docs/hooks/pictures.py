"""Draw the site's pictures at build time from the results files.

Every picture is drawn twice, for the light and the dark theme, as SVG with
live text, and added to the build as a generated file: nothing is committed,
so nothing can go stale. Pages show them with the `picture` macro. The
drawings themselves live in pictures_stepN.py, one module per step.
"""

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pictures_speed  # noqa: E402
import pictures_step0  # noqa: E402
import pictures_step1  # noqa: E402
import pictures_step2  # noqa: E402
import pictures_step3  # noqa: E402
import pictures_step4_5  # noqa: E402
from mkdocs.structure.files import File  # noqa: E402
from plotting import THEMES  # noqa: E402

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


def on_files(files, config):
    for name, (draw, size) in PICTURES.items():
        for theme_name, theme in THEMES.items():
            files.append(File.generated(config, f"pictures/{name}-{theme_name}.svg",
                                        content=svg(draw, size, theme)))
    return files
