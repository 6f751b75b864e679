import os
import random
from pathlib import Path

import pytest

from microgpt.data import CACHE_ENV, NAMES_ENV, cache_dir, load_docs, names_path

NEEDS_NAMES = "needs_names"
DATASET_FIXTURES = {"docs", "real_bytes"}  # a test that takes one of these needs the dataset


def pytest_addoption(parser):
    parser.addoption("--site", metavar="DIR", help="a built site to check (tests/site)")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", f"{NEEDS_NAMES}: the test reads makemore's names.txt (set {NAMES_ENV})")


def pytest_collection_modifyitems(items):
    for item in items:
        if DATASET_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(NEEDS_NAMES)


def names_available():
    """Whether names.txt is at hand without a download: named by the variable, or cached."""
    return bool(os.environ.get(NAMES_ENV)) or (cache_dir() / "names.txt").is_file()


def pytest_runtest_setup(item):
    if item.get_closest_marker(NEEDS_NAMES) and not names_available():
        message = (f"this test needs the dataset: set {NAMES_ENV}=/path/to/names.txt "
                   f"(nox does this for you, pointing at ../shared/data/names.txt) or put it in "
                   f"{cache_dir() / 'names.txt'} (${CACHE_ENV})")
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="session")
def docs():
    """The shuffled names, as every step sees them with seed 42."""
    return load_docs(random.Random(42))


@pytest.fixture(scope="session")
def real_bytes():
    """The bytes of the verified names.txt."""
    return names_path().read_bytes()


@pytest.fixture(scope="session")
def site(request):
    path = request.config.getoption("--site")
    if not path:
        pytest.skip("pass --site DIR (nox -s docs builds the site and does)")
    return Path(path)
