"""The Pyodide modules (each runs Node with Pyodide for a minute or more) share one
pytest-xdist worker, one after another, and the pages' code blocks run beside them on the
other (`nox -s codeblocks`, `--dist loadgroup`): the split that keeps both cores busy."""

from pathlib import Path

import pytest

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.parent == HERE:
            item.add_marker(pytest.mark.xdist_group("pyodide"))
