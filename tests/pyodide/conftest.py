"""Each Pyodide module builds the package's wheel from the source tree (`pip wheel`, which
writes build files there), so under pytest-xdist they all run on one worker, one after
another (`nox -s codeblocks` runs them beside the pages' code blocks, `--dist loadgroup`)."""

from pathlib import Path

import pytest

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.parent == HERE:
            item.add_marker(pytest.mark.xdist_group("pyodide"))
