import os
import random

import pytest

from microgpt.data import NAMES_ENV, load_docs


def pytest_configure(config):
    if not os.environ.get(NAMES_ENV):
        raise pytest.UsageError(
            f"the tests need the dataset: set {NAMES_ENV}=/path/to/names.txt "
            "(nox does this for you, pointing at ../shared/data/names.txt)"
        )


@pytest.fixture(scope="session")
def docs():
    """The shuffled names, as every step sees them with seed 42."""
    return load_docs(random.Random(42))


def pytest_addoption(parser):
    parser.addoption("--site", metavar="DIR", help="a built site to check (tests/site)")
    parser.addoption("--full-runs", action="store_true",
                     help="run the site's single-file programs in full (nox -s reproduce_downloads)")


@pytest.fixture(scope="session")
def site(request):
    from pathlib import Path

    path = request.config.getoption("--site")
    if not path:
        pytest.skip("pass --site DIR (nox -s docs builds the site and does)")
    return Path(path)
