"""Under `nox -s serve` only, let mkdocs-jupyter reuse executed notebooks.

Its own cache key is the notebook file and its options, which ignores the
package the notebooks import; so its cache folder is put under a folder named
after the fingerprint of the package and the results (build_cache.py): a
change to either starts an empty folder and every notebook runs again.
Without MICROGPT_BUILD_CACHE (`nox -s docs`, CI) mkdocs.yml's `cache: false`
stands and every notebook executes at every build.
"""

import build_cache


def on_config(config):
    where = build_cache.keyed_folder("notebooks")
    if where is not None:
        jupyter = config.plugins["mkdocs-jupyter"].config
        jupyter["cache"], jupyter["cache_dir"] = True, str(where)
    return config
