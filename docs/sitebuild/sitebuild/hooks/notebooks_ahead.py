"""Run the notebooks in worker processes from the start of the build
(sitebuild/notebook_runs.py), so that they overlap with the pictures, the
widgets' data and the pages instead of running one after another when their
pages come.

The workers write mkdocs-jupyter's cache entries, and its cache is turned on
for this: in a fresh temporary folder, removed after the build, when the
build has no cache (`nox -s docs`, CI: every notebook still executes at every
build), or in the serve cache's folder (hooks/notebook_cache.py, listed before
this hook), where only the notebooks without an entry run. A notebook's page
waits for its run; a notebook that fails fails the build with its error.
"""

import concurrent.futures
import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from sitebuild import build_cache, notebook_runs
from sitebuild.progress import LOG

runs = {}  # notebook's absolute path: its future
state = {"pool": None, "temporary": None}


def jupyter_config(config):
    return config.plugins["mkdocs-jupyter"].config


def notebooks(config):
    """The notebooks the plugin renders and executes, in the order of their files' paths
    (not in hidden folders such as .ipynb_checkpoints/, which MkDocs leaves out)."""
    from mkdocs.structure.files import File

    plugin = config.plugins["mkdocs-jupyter"]
    docs = Path(config.docs_dir)
    found = (File(path.relative_to(docs).as_posix(), config.docs_dir, config.site_dir,
                  config.use_directory_urls) for path in sorted(docs.rglob("*.ipynb"))
             if not any(part.startswith(".") for part in path.relative_to(docs).parts))
    return [file for file in found if plugin.should_include(file)
            and notebook_runs.executes(file.abs_src_path, plugin.config)]


def on_pre_build(config):
    jupyter = jupyter_config(config)
    if build_cache.folder() is None:  # no serve cache: a private one, for this build only
        state["temporary"] = tempfile.mkdtemp(prefix="microgpt-notebooks-")
        jupyter["cache"], jupyter["cache_dir"] = True, state["temporary"]
    waiting = [file for file in notebooks(config)
               if not notebook_runs.entry_path(file.abs_src_path, jupyter).exists()]
    runs.clear()
    if not waiting:
        return
    workers = min(len(waiting), os.cpu_count() or 1)
    LOG.info(f"notebooks: running {len(waiting)} in {workers} worker processes: "
             + ", ".join(file.src_uri for file in waiting) + "...")
    # spawn, not fork: MkDocs' serve runs threads, which a fork would copy mid-step
    pool = concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
    state["pool"] = pool
    options = dict(jupyter)
    for file in waiting:
        future = pool.submit(notebook_runs.run, file.abs_src_path, options)
        future.add_done_callback(lambda done, name=file.src_uri: report(name, done))
        runs[file.abs_src_path] = future


def report(name, done):
    if state["pool"] is not None and not done.cancelled() and done.exception() is None:
        seconds, error = done.result()
        LOG.info(f"notebooks: {name}: {seconds:.1f} s" + (" (failed)" if error else ""))


def on_pre_page(page, config, files):
    """Before the plugin renders a notebook, its run must be over."""
    future = runs.get(page.file.abs_src_path)
    if future is None:
        return page
    if not future.done():
        LOG.info(f"notebooks: waiting for {page.file.src_uri}...")
    seconds, error = future.result()
    if error:
        raise PluginError(f"notebooks: {page.file.src_uri} failed to execute:\n{error}")
    return page


def finish(wait):
    if state["pool"] is not None:
        state["pool"].shutdown(wait=wait, cancel_futures=True)
        state["pool"] = None
    if state["temporary"] is not None:
        shutil.rmtree(state["temporary"], ignore_errors=True)
        state["temporary"] = None


@event_priority(-100)  # after mkdocs-jupyter's on_post_build, which looks into its cache folder
def on_post_build(config):
    finish(wait=True)


def on_build_error(error):
    finish(wait=False)
