"""Every check of the guide; `nox` with no arguments runs all that CI runs.

    nox                 package tests, gradient parity with PyTorch, fence audit,
                        code blocks (CPython 3.13 and Pyodide), results freshness,
                        drift drills, strict site build + built-site checks
                        (Chromium), lint
    nox -s tests-3.11   the package tests under Python 3.11, the oldest the package supports
    nox -s serve        build and serve the site on http://127.0.0.1:8000 (cached: fast rebuilds)
    nox -s results      re-run every step in full and rewrite docs/results/*.json
    nox -s reproduce    re-run every step in full and compare with the reference output
    nox -s reproduce_downloads
                        run every single-file program of the site in full against the package
    nox -s bench        Step 5 and the fast engine side by side: same output? how much faster?
    nox -s speed        measure where Step 5's time goes; rewrite docs/results/speed.json

The dataset: the package downloads names.txt and caches it. Without internet,
set MICROGPT_NAMES=/path/to/names.txt; a copy at ../shared/data/names.txt (the
workplace's) is used when the variable is not set. The site and the Pyodide
checks need Node.js and npm (`npm ci` installs package.json's packages); the
code blocks run under Python 3.13, the version inside Pyodide.
"""

import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import nox

nox.options.sessions = ["tests", "parity", "audit", "codeblocks", "freshness", "drills", "docs",
                        "lint"]
nox.options.error_on_missing_interpreters = True

ROOT = Path(__file__).parent
SHARED_NAMES = ROOT.parent / "shared" / "data" / "names.txt"
BUILD_CACHE = ROOT / ".cache" / "build"  # only `serve` uses it (docs/sitebuild/sitebuild/build_cache.py)
WORKFLOWS = sorted(str(path) for path in (ROOT / ".github" / "workflows").glob("*.yml"))
PYODIDE_PYTHON = "3.13"  # the CPython minor version inside the pinned Pyodide (package.json)
OLDEST_PYTHON = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"] \
    .removeprefix(">=")  # the oldest Python the package promises to run on


def interpreter(version):
    """A working python<version>: from PATH, else pyenv's own copy (pyenv's shim
    on PATH refuses a version that is not selected). nox reports it if none."""
    candidates = [shutil.which(f"python{version}"),
                  *sorted(Path.home().glob(f".pyenv/versions/{version}.*/bin/python{version}"))]
    for candidate in filter(None, candidates):
        if subprocess.run([candidate, "-c", ""], capture_output=True).returncode == 0:
            return str(candidate)
    return version


def npm_ci(session):
    """The npm packages of package.json, exactly as locked: Pyodide, CodeMirror,
    esbuild, axe-core."""
    session.run("npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", external=True)


def environment():
    env = {"NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": "0"}
    if not os.environ.get("MICROGPT_NAMES") and SHARED_NAMES.is_file():
        env["MICROGPT_NAMES"] = str(SHARED_NAMES)
    return env


@nox.session
def tests(session):
    """The package's unit tests, and those of the site's build code (docs/sitebuild)."""
    session.install("-e", ".[test,docs]", "-e", "docs/sitebuild")
    session.run("pytest", "tests/package", "tests/sitebuild", *session.posargs,
                env=environment())


@nox.session(name=f"tests-{OLDEST_PYTHON}", python=interpreter(OLDEST_PYTHON), default=False)
def tests_on_oldest_python(session):
    """The package's unit tests under the oldest Python that pyproject.toml allows.
    Not in the default list: the deploy workflow runs it, in a job of its own."""
    session.install("-e", ".[test]")
    session.run("pytest", "tests/package", *session.posargs, env=environment())


@nox.session
def parity(session):
    """Every gradient of Steps 1-5 against PyTorch's autograd in float64 (same weights, same names)."""
    session.install("-e", ".[test,parity]")
    session.run("pytest", "tests/parity", *session.posargs, env=environment())


@nox.session
def audit(session):
    """Every fence on every page is executed, checked output, an include, or an illustration."""
    session.install("-e", ".[test]")
    session.run("pytest", "tests/pages", "-s", *session.posargs, env=environment())


@nox.session(python=interpreter(PYODIDE_PYTHON))
def codeblocks(session):
    """Run every `python` fence of the site and compare its printed output: under
    CPython of Pyodide's minor version (pytest-codeblocks), then in Pyodide under
    Node, as the reader's browser runs it."""
    session.install("-e", ".[test,wheel]")
    npm_ci(session)
    session.run("pytest", "--codeblocks", "docs", "-p", "no:cacheprovider", *session.posargs,
                env=environment())
    session.run("pytest", "tests/pyodide", "-p", "no:cacheprovider", *session.posargs, env=environment())


@nox.session
def freshness(session):
    """The results files match the code: same fingerprint, same first steps on a re-run."""
    session.install("-e", ".")
    session.run("python", "-m", "microgpt.results", "--check", env=environment())


def site_dir(session):
    """Where `docs` builds the site: $SITE_DIR (the deploy workflow publishes it), or a temporary folder."""
    if os.environ.get("SITE_DIR"):
        return str((ROOT / os.environ["SITE_DIR"]).resolve())
    return session.create_tmp() + "/site"


@nox.session
def docs(session):
    """Strict build from scratch (links, anchors, includes, notebooks executed, pictures drawn,
    downloads made), then check the built site, its downloads included."""
    session.install("-e", ".[docs,test]", "-e", "docs/sitebuild")
    npm_ci(session)
    site = site_dir(session)
    session.run("mkdocs", "build", "--strict", "--clean", "--site-dir", site, env=environment())
    session.run("pytest", "tests/site", f"--site={site}", *session.posargs, env=environment())


@nox.session
def drills(session):
    """Inject each kind of drift into a copy of the project; the guard against it must fail.
    First, the copy itself: as root, in a clone another user owns (GitHub's container job).
    The docs extra is for the claims check, which renders pages with the copy's sitebuild."""
    session.install("-e", ".[test,docs]")
    session.run("pytest", "tests/drills", *session.posargs, env=environment())
    session.run("python", "tests/drills/run_drills.py", env=environment())


@nox.session
def lint(session):
    """ruff on the Python; the GitHub workflows against their schema and audited by zizmor (offline)."""
    session.install("-e", ".[lint]")
    session.run("ruff", "check", "microgpt", "tests", "docs/sitebuild", "noxfile.py")
    session.run("check-jsonschema", "--builtin-schema", "vendor.github-workflows", *WORKFLOWS)
    session.run("zizmor", "--offline", "--no-progress", *WORKFLOWS)


@nox.session(default=False)
def serve(session):
    """Serve the site with live reload on http://127.0.0.1:8000, for writing: pictures, notebooks
    and the wheel are cached by the content of what they are made from, and a save rebuilds only
    the pages that changed (mkdocs --dirty), so a prose edit shows in seconds. The navigation and
    search of the other pages catch up at the next start; `nox -s serve -- --full` rebuilds every
    page at every save."""
    session.install("-e", ".[docs]", "-e", "docs/sitebuild")
    npm_ci(session)
    args = [arg for arg in session.posargs if arg != "--full"]
    mode = [] if "--full" in session.posargs else ["--dirty"]
    session.run("mkdocs", "serve", "--dev-addr", "127.0.0.1:8000", *mode, *args,
                env={**environment(), "MICROGPT_BUILD_CACHE": str(BUILD_CACHE)})


@nox.session(default=False)
def results(session):
    """Re-run every step in full and rewrite docs/results/ (commit the files)."""
    session.install("-e", ".")
    session.run("python", "-m", "microgpt.results", *session.posargs, env=environment())


@nox.session(default=False)
def reproduce(session):
    """Slow: run every step in full and compare its output with the reference program's."""
    session.install("-e", ".[test]")
    session.run("pytest", "tests/reproduce", "-v", *session.posargs, env=environment())


@nox.session(default=False)
def reproduce_downloads(session):
    """Slow (about 20 minutes): build the site, then run each single-file program it serves
    in full and compare its output with the package's, line for line."""
    session.install("-e", ".[docs,test]", "-e", "docs/sitebuild")
    npm_ci(session)
    site = session.create_tmp() + "/site"
    session.run("mkdocs", "build", "--strict", "--clean", "--site-dir", site, env=environment())
    session.run("pytest", "tests/site/test_downloads.py", f"--site={site}", "--full-runs", "-v",
                *session.posargs, env=environment())


@nox.session(default=False)
def bench(session):
    """Step 5 and its fast engine side by side: identical losses, time ratio, peak memory
    (50 training steps; `nox -s bench -- 200` for more)."""
    session.install("-e", ".")
    session.run("python", "-m", "microgpt.bench", *session.posargs, env=environment())


@nox.session(default=False)
def speed(session):
    """Measure Step 5's cost and the fast engine's (a few minutes); rewrite docs/results/speed.json."""
    session.install("-e", ".")
    session.run("python", "-m", "microgpt.speed", *session.posargs, env=environment())
