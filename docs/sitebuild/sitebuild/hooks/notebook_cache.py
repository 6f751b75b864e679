"""Under `nox -s serve` only, let mkdocs-jupyter reuse executed notebooks.

Its own cache key is the notebook file and its options, which ignores the
package the notebooks import; so its cache folder is put under a folder named
after the fingerprint of the package and the results (sitebuild/build_cache.py):
a change to either starts an empty folder and every notebook runs again.
Without MICROGPT_BUILD_CACHE (`nox -s docs`, CI) mkdocs.yml's `cache: false`
stands and every notebook executes at every build.
"""

import os

from mkdocs.plugins import event_priority

from sitebuild import build_cache

KEPT = "kept"  # a subfolder: mkdocs-jupyter evicts only the *.json directly in its cache folder


def on_config(config):
    where = build_cache.keyed_folder("notebooks")
    if where is not None:
        jupyter = config.plugins["mkdocs-jupyter"].config
        jupyter["cache"], jupyter["cache_dir"] = True, str(where)
    return config


def on_pre_build(config):
    """Put back what on_post_build kept, before any notebook is rendered."""
    where = build_cache.keyed_folder("notebooks")
    if where is not None and (where / KEPT).is_dir():
        for entry in (where / KEPT).glob("*.json"):
            if not (where / entry.name).exists():
                os.link(entry, where / entry.name)


@event_priority(100)  # before mkdocs-jupyter's own on_post_build
def on_post_build(config):
    """Keep every entry: after a --dirty rebuild, mkdocs-jupyter evicts the
    notebooks it did not render this time, i.e. all of them. So each entry gets
    a second name in a subfolder, which the eviction does not look into.
    Entries are keyed by content, so an unused one is harmless; the folder of
    an older fingerprint is removed by build_cache.keyed_folder."""
    where = build_cache.keyed_folder("notebooks")
    if where is None:
        return
    (where / KEPT).mkdir(exist_ok=True)
    for entry in where.glob("*.json"):
        if not (where / KEPT / entry.name).exists():
            os.link(entry, where / KEPT / entry.name)

