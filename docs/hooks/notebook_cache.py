"""Under `nox -s serve` only, let mkdocs-jupyter reuse executed notebooks.

Its own cache key is the notebook file and its options, which ignores the
package the notebooks import; so its cache folder is put under a folder named
after the fingerprint of the package and the results (build_cache.py): a
change to either starts an empty folder and every notebook runs again.
Without MICROGPT_BUILD_CACHE (`nox -s docs`, CI) mkdocs.yml's `cache: false`
stands and every notebook executes at every build.
"""

import logging
import time

import build_cache
from mkdocs.plugins import event_priority

LOG = logging.getLogger("mkdocs.hooks.notebook_cache")  # MkDocs shows its INFO lines


def on_config(config):
    where = build_cache.keyed_folder("notebooks")
    if where is not None:
        jupyter = config.plugins["mkdocs-jupyter"].config
        jupyter["cache"], jupyter["cache_dir"] = True, str(where)
    return config


@event_priority(100)  # before mkdocs-jupyter's own on_post_build
def on_post_build(config):
    """Keep every entry: after a --dirty rebuild, mkdocs-jupyter would evict the
    notebooks it did not render this time, i.e. all of them. Entries are keyed
    by content, so an unused one is harmless; the folder of an older
    fingerprint is removed by build_cache.keyed_folder."""
    jupyter = config.plugins["mkdocs-jupyter"]
    if jupyter.config["cache"] and build_cache.folder() is not None:
        jupyter._used_cache_paths.update(build_cache.keyed_folder("notebooks").glob("*.json"))


def on_pre_page(page, config, files):
    if page.file.src_uri.endswith(".ipynb"):
        page.notebook_started = time.perf_counter()
        LOG.info(f"notebooks: {page.file.src_uri}...")
    return page


def on_page_content(html, page, config, files):
    if page.file.src_uri.endswith(".ipynb"):
        seconds = time.perf_counter() - page.notebook_started
        LOG.info(f"notebooks: {page.file.src_uri} ready in {seconds:.1f} s")
    return html
