"""A cache for the slow parts of the build, for the writing loop only.

`nox -s serve` sets MICROGPT_BUILD_CACHE to a folder; then the pictures, the
widgets' data, the executed notebooks and the wheel are reused from it as long as what they are
made from has not changed. The key is the content of those inputs (INPUTS:
the package source, the results files, the build code, the npm lock file), never a time stamp, so
a stale entry cannot be served: any edit to them makes a new key. Without the
variable (`nox -s docs`, CI) nothing is cached and everything is made afresh.
"""

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from sitebuild.common import ROOT

CACHE_ENV = "MICROGPT_BUILD_CACHE"
INPUTS = {  # what each kind of cached output is made from
    "pictures": ("microgpt/*.py", "docs/results/*.json", "docs/sitebuild/**/*.py"),
    "widgets": ("microgpt/*.py", "docs/results/*.json", "docs/sitebuild/**/*.py"),
    "notebooks": ("microgpt/*.py", "docs/results/*.json"),
    "wheel": ("microgpt/*.py", "pyproject.toml"),
    "editor": ("docs/sitebuild/sitebuild/editor.mjs", "package-lock.json"),
}


def folder():
    """The cache folder, or None when caching is off."""
    value = os.environ.get(CACHE_ENV)
    return Path(value).expanduser().resolve() if value else None


def fingerprint(kind):
    """A hash of every file the outputs of `kind` are made from, by content."""
    digest = hashlib.sha256()
    for pattern in INPUTS[kind]:
        for path in sorted(ROOT.glob(pattern)):
            digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


def keyed_folder(kind):
    """cache/<kind>/<fingerprint>/, older fingerprints' folders removed; None when off."""
    if folder() is None:
        return None
    base, key = folder() / kind, fingerprint(kind)
    if base.is_dir():
        for stale in base.iterdir():
            if stale.name != key:
                shutil.rmtree(stale, ignore_errors=True)
    (base / key).mkdir(parents=True, exist_ok=True)
    return base / key


def cached(kind, name, make):
    """The bytes make() returns, kept under cache/<kind>/<fingerprint>/<name>
    when caching is on. Written to a temporary file first, then renamed, so a
    half-written entry is never read."""
    where = keyed_folder(kind)
    if where is None:
        return make()
    path = where / name
    if path.is_file():
        return path.read_bytes()
    data = make()
    with tempfile.NamedTemporaryFile(dir=where, delete=False, suffix=".part") as part:
        part.write(data)
    os.replace(part.name, path)
    return data
