"""MkDocs hook: what the reader's in-browser Python needs (Pyodide's runtime,
pyodide/runtime.json, the editor's bundle), from sitebuild.browser_python.
Listed after hooks/downloads.py in mkdocs.yml: it serves the wheel that
hook adds."""

from sitebuild.browser_python import add_files
from sitebuild.progress import phase


def on_files(files, config):
    with phase("Python for the browser: Pyodide's runtime and the editor's bundle"):
        return add_files(files, config)
