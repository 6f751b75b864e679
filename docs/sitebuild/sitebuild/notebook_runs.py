"""Execute the site's notebooks in worker processes, ahead of their pages.

mkdocs-jupyter executes each notebook when MkDocs renders its page, one after
another, while the rest of the build waits. Here every notebook is executed
as soon as the build starts, in worker processes, through mkdocs-jupyter's
own conversion with the options the plugin would pass it; the result is
written as the entry of the plugin's cache that the page's render then finds
(the same content, table of contents and title the plugin would have made).
The notebooks thus run while the pictures are drawn and the pages rendered.

The entry's name is the plugin's own cache key, computed by its private
helpers (mkdocs_jupyter.plugin._compute_cache_key and _get_nb_toc_tokens): a
change to those in a new mkdocs-jupyter shows as the plugin executing the
notebook itself again ("Converting notebook" in the log, after the entry).
"""

import json
import os
import pathlib
import tempfile
import time
import traceback

NB2HTML_OPTIONS = ("kernel_name", "theme", "allow_errors", "show_input", "no_input", "no_prompt",
                   "remove_tag_config", "highlight_extra_classes", "include_requirejs",
                   "custom_mathjax_url")


def executes(notebook, jupyter):
    """Whether the plugin, configured by `jupyter`, executes this notebook (execute and execute_ignore)."""
    return jupyter["execute"] and not any(pathlib.PurePath(notebook).match(pattern)
                                          for pattern in jupyter["execute_ignore"])


def entry_path(notebook, jupyter):
    """Where the plugin looks for this notebook's cache entry."""
    from mkdocs_jupyter.plugin import _compute_cache_key, _get_cache_path

    key = _compute_cache_key(notebook, jupyter, executes(notebook, jupyter))
    return _get_cache_path(jupyter["cache_dir"], key)


def run(notebook, jupyter):
    """Execute and convert one notebook as the plugin would, and write its cache
    entry (to a temporary name first, so a half-written entry is never read).
    Runs in a worker process. Returns (seconds, None) or (seconds, the error as
    text): an exception of nbclient's does not always survive the trip back."""
    started = time.perf_counter()
    try:
        from mkdocs_jupyter import convert
        from mkdocs_jupyter.plugin import _get_nb_toc_tokens

        body = convert.nb2html(notebook, execute=executes(notebook, jupyter),
                               **{option: jupyter[option] for option in NB2HTML_OPTIONS})
        toc_tokens, title = _get_nb_toc_tokens(notebook, jupyter["toc_depth"])
        path = entry_path(notebook, jupyter)  # its folder is made by the build, and gone once a build fails
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False,
                                         suffix=".part") as part:
            json.dump({"content": body, "toc_tokens": toc_tokens, "title": title}, part)
        os.replace(part.name, path)
    except Exception:  # noqa: BLE001 - every failure goes back to the build, which fails with it
        return time.perf_counter() - started, traceback.format_exc()
    return time.perf_counter() - started, None
