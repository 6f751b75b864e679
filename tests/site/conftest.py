"""Fixtures of the built-site checks that need a browser."""

import os

import pytest
from browser import CHROMIUM, chromium, serve


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium; skipped without it, except under CI."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("CI needs Chromium for the browser checks: apt-get install chromium")
        pytest.skip("no Chromium on this machine (apt-get install chromium); CI runs these checks")
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="session")
def root(site):
    """The built site, served on 127.0.0.1."""
    with serve(site) as url:
        yield url
