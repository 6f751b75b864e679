"""What the site serves for download, made at every build (nothing is committed):

- downloads/microgpt-<version>-py3-none-any.whl: the package, built by pip from
  a copy of the source tree, so that `pip install <site>/downloads/<wheel>`
  works without a clone;
- downloads/names.txt and names.txt.sha256: the verified dataset and its
  checksum (sha256sum format), a copy for readers who cannot reach the
  original host;
- downloads/step0.py ... step5.py: each step as one standalone file, generated
  from the package by microgpt.single_file.

The wheel and the single files are told where this site is: their
`MIRROR_URL = None` (microgpt/data.py) becomes this site's names.txt, so they
download it from here when the original host cannot be reached.

Pages link to them with the `download_box` macro (hooks/macros.py); the hook
hooks/downloads.py adds them to the site.
"""

import hashlib
import importlib.metadata
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from mkdocs.exceptions import PluginError

from microgpt.cli import STEPS
from microgpt.data import names_path
from microgpt.single_file import generate
from sitebuild import build_cache
from sitebuild.common import ROOT

FOLDER = "downloads"
NAMES = "names.txt"
NO_MIRROR = "MIRROR_URL = None"


def with_mirror(source, url):
    """The source of data.py (or of a single file holding it) with MIRROR_URL set to url."""
    if source.count(NO_MIRROR) != 1:
        raise PluginError(f"expected one `{NO_MIRROR}` line (microgpt/data.py) to point at the "
                          f"site's copy of {NAMES}, found {source.count(NO_MIRROR)}")
    return source.replace(NO_MIRROR, f"MIRROR_URL = {url!r}")


def wheel_name():
    """The file name pip gives the package's wheel, from the installed version."""
    return f"microgpt-{importlib.metadata.version('microgpt')}-py3-none-any.whl"


def build_wheel(mirror):
    """The wheel's bytes, its MIRROR_URL set to `mirror`. Built from a copy of the
    sources, so that the build leaves nothing (build/, *.egg-info) in the working
    tree; offline, with the setuptools of the docs environment."""
    with tempfile.TemporaryDirectory() as tmp:
        source, out = Path(tmp) / "source", Path(tmp) / "wheel"
        source.mkdir()
        shutil.copy2(ROOT / "pyproject.toml", source / "pyproject.toml")
        shutil.copytree(ROOT / "microgpt", source / "microgpt",
                        ignore=shutil.ignore_patterns("__pycache__"))
        data = source / "microgpt" / "data.py"
        data.write_text(with_mirror(data.read_text(), mirror))
        done = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check",
             "--no-deps", "--no-build-isolation", "--no-index", "--wheel-dir", str(out), str(source)],
            capture_output=True, text=True)
        if done.returncode:
            raise PluginError(f"pip could not build the microgpt wheel:\n{done.stderr.strip()}")
        built = sorted(path.name for path in out.glob("*.whl"))
        if built != [wheel_name()]:
            raise PluginError(f"pip built {built}, the site expects [{wheel_name()!r}]: the installed "
                              "package is stale; reinstall it with `pip install -e .`")
        return (out / built[0]).read_bytes()


def downloads(site_url):
    """{file name: content} of everything in downloads/."""
    names = names_path().read_bytes()  # verified against the pinned sha256
    mirror = f"{site_url}{FOLDER}/{NAMES}"
    files = {f"{step}.py": with_mirror(generate(step), mirror) for step in STEPS}
    files[NAMES] = names
    files[f"{NAMES}.sha256"] = f"{hashlib.sha256(names).hexdigest()}  {NAMES}\n"
    cache_name = f"{hashlib.sha256(mirror.encode()).hexdigest()[:12]}-{wheel_name()}"
    files[wheel_name()] = build_cache.cached("wheel", cache_name, lambda: build_wheel(mirror))
    return files
