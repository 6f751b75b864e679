"""What the build is doing, as it does it: each slow phase logs when it starts
and how many seconds it took, through MkDocs' logger (its INFO lines show in
`mkdocs build` and `nox -s serve`), so a slow first build is not mistaken for
a hung one."""

import logging
import time
from contextlib import contextmanager

LOG = logging.getLogger("mkdocs.sitebuild")


@contextmanager
def phase(what):
    """Log `what...` now and `what: N.N s` when the block ends."""
    LOG.info(f"{what}...")
    started = time.perf_counter()
    yield
    LOG.info(f"{what}: {time.perf_counter() - started:.1f} s")
