"""Every check of the guide; `nox` with no arguments runs all that CI runs.

    nox                 package and build-code tests, gradient parity with JAX, fence audit,
                        code blocks (CPython 3.13 and Pyodide), results freshness,
                        drift drills, strict site build + built-site checks
                        (Chromium), lint
    nox -s quick        after a prose or page edit: fence audit and page checks, the code blocks
                        of the changed pages, a strict build with the serve cache (under a minute)
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

Every session but parity runs in one shared environment per Python version
(.nox/shared-py*: the package and the build code, docs/sitebuild, both editable),
installed when a pyproject.toml changes and reused otherwise, by uv (which
`pip install nox[uv]` brings; pip, several times slower, without it);
`npm ci` runs when package-lock.json changes. Do not run two sessions that may
install (a first run, or after editing either file) at the same time.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import nox

nox.options.sessions = ["tests", "parity", "audit", "codeblocks", "freshness", "drills", "docs",
                        "lint"]
nox.options.error_on_missing_interpreters = True

ROOT = Path(__file__).parent
SHARED_NAMES = ROOT.parent / "shared" / "data" / "names.txt"
BUILD_CACHE = ROOT / ".cache" / "build"  # `serve` and `quick` only (sitebuild/build_cache.py)
WORKFLOWS = sorted(str(path) for path in (ROOT / ".github" / "workflows").glob("*.yml"))
JAVASCRIPT = ["docs/assets/javascripts", "docs/sitebuild", "tests/pyodide"]  # what Biome checks
PYODIDE_PYTHON = "3.13"  # the CPython minor version inside the pinned Pyodide (package.json)
OLDEST_PYTHON = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"] \
    .removeprefix(">=")  # the oldest Python the package promises to run on
BUILD_CODE = ROOT / "docs" / "sitebuild"  # the package `sitebuild`, installed beside microgpt


def interpreter(version):
    """A working python<version>: from PATH, else pyenv's own copy (pyenv's shim
    on PATH refuses a version that is not selected). nox reports it if none."""
    candidates = [shutil.which(f"python{version}"),
                  *sorted(Path.home().glob(f".pyenv/versions/{version}.*/bin/python{version}"))]
    for candidate in filter(None, candidates):
        if subprocess.run([candidate, "-c", ""], capture_output=True).returncode == 0:
            return str(candidate)
    return version


SHARED_EXTRAS = "docs,test,lint"  # every extra but parity's


def find_uv():
    """uv (from `pip install nox[uv]`, as the README says), which installs the environments
    in seconds where pip takes minutes; None without it (pip then)."""
    try:
        from uv import find_uv_bin
        return find_uv_bin()
    except (ImportError, FileNotFoundError):
        return shutil.which("uv")


UV = find_uv()
NPM_STAMP = ROOT / "node_modules" / ".microgpt-lock-sha256"


def file_hash(*paths, extra=""):
    digest = hashlib.sha256(extra.encode())
    for path in paths:
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()


def npm_ci(session):
    """The npm packages of package.json, exactly as locked: Pyodide, CodeMirror,
    esbuild, axe-core, Biome. Installed once per content of package-lock.json (a stamp
    in node_modules; `npm ci` deletes node_modules, stamp included, first)."""
    wanted = file_hash(ROOT / "package-lock.json")
    if NPM_STAMP.is_file() and NPM_STAMP.read_text() == wanted:
        session.log("node_modules matches package-lock.json: npm ci skipped")
        return
    session.run("npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", external=True)
    NPM_STAMP.write_text(wanted)


class Shared:
    """One virtual environment per Python version and extras, shared by every
    session but parity, with the package and the build code installed (editable):
    installed once, again only when a pyproject.toml changes (a stamp in the environment). The
    sessions using it are `venv_backend="none"` and run its programs by path."""

    def __init__(self, session, python=None, extras=SHARED_EXTRAS):
        self.session, self.python, self.extras = session, python or sys.executable, extras
        version = subprocess.run([self.python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                                 capture_output=True, text=True, check=True).stdout.strip()
        self.location = ROOT / ".nox" / f"shared-py{version}-{extras.replace(',', '-')}"
        self.bin = self.location / ("Scripts" if os.name == "nt" else "bin")
        self.install()

    def install(self):
        stamp = self.location / ".microgpt-installed"
        wanted = file_hash(ROOT / "pyproject.toml", BUILD_CODE / "pyproject.toml", extra=self.extras)
        if stamp.is_file() and stamp.read_text() == wanted:
            self.session.log(f"{self.location.name}: the package and its extras are installed")
            return
        started = time.perf_counter()
        python = self.bin / "python"
        if UV:  # pip stays in the environment (--seed): the build code makes the site's wheel with it
            create = [UV, "venv", "--quiet", "--seed", "--python", self.python, str(self.location)]
            install = [UV, "pip", "install", "--quiet", "--python", str(python)]
        else:
            self.session.log("uv not found: installing with pip, several times slower "
                             "(the README's command installs nox with uv: nox[uv])")
            create = [self.python, "-m", "venv", "--clear", str(self.location)]
            install = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        if not python.exists():
            self.session.run(*create, external=True)
        self.session.run(*install, "-e", f".[{self.extras}]", "-e", str(BUILD_CODE), external=True)
        stamp.write_text(wanted)
        self.session.log(f"{self.location.name}: installed in {time.perf_counter() - started:.0f} s")

    def activated(self, env=None):
        """The environment variables of this environment, as if it were activated."""
        path = f"{self.bin}{os.pathsep}{os.environ.get('PATH', '')}"
        return {**environment(), "PATH": path, "VIRTUAL_ENV": str(self.location), **(env or {})}

    def run(self, program, *args, env=None):
        """`program` of this environment, as if it were activated."""
        self.session.run(str(self.bin / program), *args, external=True, env=self.activated(env))

    def run_side_by_side(self, *commands):
        """Each command ([program of this environment, *args]) in a process of its own, all at
        once; their outputs in the order given; the session fails if any of them failed."""
        for command in commands:
            self.session.log(" ".join(command))
        running = [subprocess.Popen([str(self.bin / program), *args], cwd=ROOT, text=True,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    env={**os.environ, **self.activated()})
                   for program, *args in commands]
        failed = []
        for command, process in zip(commands, running):
            print(process.communicate()[0], end="", flush=True)
            if process.returncode:
                failed.append(" ".join(command))
        if failed:
            self.session.error(f"failed: {'; '.join(failed)}")


def environment():
    env = {"NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": "0"}
    if not os.environ.get("MICROGPT_NAMES") and SHARED_NAMES.is_file():
        env["MICROGPT_NAMES"] = str(SHARED_NAMES)
    return env


def codeblocks_python(session):
    """The Python of Pyodide's minor version, or a clear error."""
    python = interpreter(PYODIDE_PYTHON)
    if not Path(python).is_file():
        session.error(f"the code blocks run under Python {PYODIDE_PYTHON} (Pyodide's), not found: "
                      f"install it (pyenv install {PYODIDE_PYTHON}, uv python install {PYODIDE_PYTHON} "
                      "or the system's package)")
    return Shared(session, python, extras="test,wheel")


def install_once(session, extras):
    """`pip install -e .[extras]` into the session's own (reused) environment,
    skipped while pyproject.toml is unchanged."""
    stamp = Path(session.virtualenv.location) / ".microgpt-installed"
    wanted = file_hash(ROOT / "pyproject.toml", extra=extras)
    if stamp.is_file() and stamp.read_text() == wanted:
        session.log("the package and its extras are installed")
        return
    session.install("-e", f".[{extras}]")
    stamp.write_text(wanted)


@nox.session(venv_backend="none")
def tests(session):
    """The package's unit tests, and the build code's (tests/sitebuild)."""
    Shared(session).run("pytest", "tests/package", "tests/sitebuild", "-n", "auto", *session.posargs)


@nox.session(name=f"tests-{OLDEST_PYTHON}", venv_backend="none", default=False)
def tests_on_oldest_python(session):
    """The package's unit tests under the oldest Python that pyproject.toml allows.
    Not in the default list: the deploy workflow runs it, in a job of its own."""
    python = interpreter(OLDEST_PYTHON)
    if not Path(python).is_file():
        session.error(f"Python {OLDEST_PYTHON} not found: install it (pyenv install {OLDEST_PYTHON}, "
                      f"uv python install {OLDEST_PYTHON} or the system's package)")
    Shared(session, python, extras="test").run("pytest", "tests/package", "-n", "auto", *session.posargs)


@nox.session(reuse_venv=True, venv_backend="uv|virtualenv")
def parity(session):
    """Every gradient of Steps 1-5 against JAX's in float64 (same weights, same names), and
    Step 5's Adam against optax's."""
    install_once(session, "test,parity")
    session.run("pytest", "tests/parity", "-n", "auto", *session.posargs, env=environment())


@nox.session(venv_backend="none")
def audit(session):
    """Every fence on every page is executed, checked output, an include, or an illustration."""
    Shared(session).run("pytest", "tests/pages", "-s", *session.posargs)


@nox.session(venv_backend="none")
def codeblocks(session):
    """Run every `python` fence of the site and compare its printed output: under
    CPython of Pyodide's minor version (pytest-codeblocks), and in Pyodide under
    Node, as the reader's browser runs it. One run, a file per worker at a time
    (`--dist loadfile`): each Pyodide module starts Node once for all its tests, and the
    file with the most tests (the fences in Pyodide, the longest) goes first while the
    other worker takes the rest. Not `loadgroup`: pytest-xdist 3.8's groups are lost
    under pytest 9, and every worker then ran the fences in Pyodide."""
    shared = codeblocks_python(session)
    npm_ci(session)
    shared.run("pytest", "--codeblocks", "docs", "tests/pyodide", "-p", "no:cacheprovider",
               "-n", "auto", "--dist", "loadfile", *session.posargs)


@nox.session(venv_backend="none")
def freshness(session):
    """The results files match the code: same fingerprint, same first steps on a re-run; the ladder
    of engines measured with the current code. Two processes, one a core: the re-runs of steps
    1 and 3 take about as long as those of 2, 4 and 5."""
    check = ["python", "-m", "microgpt.results", "--check"]
    Shared(session).run_side_by_side([*check, "step0", "step1", "step3"], [*check, "step2", "step4", "step5"],
                                     ["python", "-m", "microgpt.ladder", "--check"])


def site_dir(session):
    """Where `docs` builds the site: $SITE_DIR (the deploy workflow publishes it), or a temporary folder."""
    if os.environ.get("SITE_DIR"):
        return str((ROOT / os.environ["SITE_DIR"]).resolve())
    return session.create_tmp() + "/site"


BROWSER_WORKERS = ["-n", "auto", "--dist", "worksteal"]  # pytest-xdist: one Chromium per worker


@nox.session(venv_backend="none")
def docs(session):
    """Strict build from scratch (links, anchors, includes, notebooks executed, pictures drawn,
    downloads made), then check the built site, its downloads included."""
    shared = Shared(session)
    npm_ci(session)
    site = site_dir(session)
    # only these strict builds print the book to PDF (sitebuild/hooks/book.py)
    shared.run("mkdocs", "build", "--strict", "--clean", "--site-dir", site, env={"MICROGPT_BOOK_PDF": "1"})
    shared.run("pytest", "tests/site", f"--site={site}", *BROWSER_WORKERS, "--durations=15", *session.posargs)


@nox.session(venv_backend="none")
def drills(session):
    """Inject each kind of drift into a copy of the project; the guard against it must fail.
    First, the copy itself: as root, in a clone another user owns (GitHub's container job).
    The shared environment has the docs extra, which the claims check needs to render pages."""
    shared = Shared(session)
    shared.run("pytest", "tests/drills", *session.posargs)
    shared.run("python", "tests/drills/run_drills.py")


@nox.session(venv_backend="none")
def lint(session):
    """ruff on the Python; Biome on the JavaScript (lint and format, .ci/biome.jsonc); the GitHub
    workflows against their schema and audited by zizmor (offline)."""
    shared = Shared(session)
    shared.run("ruff", "check", "microgpt", "tests", "docs/sitebuild", "noxfile.py")
    npm_ci(session)
    session.run("npx", "--no-install", "biome", "ci", "--config-path", ".ci/biome.jsonc", *JAVASCRIPT,
                external=True)
    shared.run("check-jsonschema", "--builtin-schema", "vendor.github-workflows", *WORKFLOWS)
    shared.run("zizmor", "--offline", "--no-progress", *WORKFLOWS)


def git_lines(*args):
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.splitlines()


def changed_files(since):
    """Files changed since `since` (a commit; HEAD by default), edited or untracked."""
    base = git_lines("merge-base", "HEAD", since)[0] if since != "HEAD" else "HEAD"
    return sorted(set(git_lines("diff", "--name-only", base))
                  | set(git_lines("ls-files", "--others", "--exclude-standard")))


@nox.session(venv_backend="none", default=False)
def quick(session):
    """For a prose or page edit, in under a minute once the cache is filled: the fence
    audit and the page checks (tests/pages), the code blocks of the pages changed since HEAD
    (`nox -s quick -- main`: since the merge-base with main; every page when the package
    changed), a strict build with the writing loop's cache (pictures, notebooks and the
    wheel reused), and the built-site checks that need no browser. `nox` runs everything."""
    since = session.posargs[0] if session.posargs else "HEAD"
    changed = changed_files(since)
    if any(name.startswith("microgpt/") for name in changed):
        pages = ["docs"]
    else:
        pages = [name for name in changed if name.startswith("docs/") and name.endswith(".md")
                 and (ROOT / name).is_file()]
    shared = Shared(session)
    npm_ci(session)
    shared.run("pytest", "tests/pages", "-q", "-p", "no:cacheprovider")
    if pages:
        session.log(f"code blocks of: {' '.join(pages)}")
        codeblocks_python(session).run("pytest", "--codeblocks", *pages, "-q", "-p", "no:cacheprovider")
    else:
        session.log(f"no page changed since {since}: no code block to run")
    site = session.create_tmp() + "/site"
    shared.run("mkdocs", "build", "--strict", "--clean", "--site-dir", site,
               env={"MICROGPT_BUILD_CACHE": str(BUILD_CACHE)})
    shared.run("pytest", "tests/site/test_built_site.py", f"--site={site}", "-q", "-p", "no:cacheprovider")


@nox.session(venv_backend="none", default=False)
def serve(session):
    """Serve the site with live reload on http://127.0.0.1:8000, for writing: pictures, notebooks
    and the wheel are cached by the content of what they are made from, and a save rebuilds only
    the pages that changed (mkdocs --dirty), so a prose edit shows in seconds. The navigation and
    search of the other pages catch up at the next start; `nox -s serve -- --full` rebuilds every
    page at every save. The first start from a fresh clone draws every picture and runs every
    notebook (a few minutes on 2 cores); the build says what it is doing as it goes."""
    shared = Shared(session)
    npm_ci(session)
    args = [arg for arg in session.posargs if arg != "--full"]
    mode = [] if "--full" in session.posargs else ["--dirty"]
    shared.run("mkdocs", "serve", "--dev-addr", "127.0.0.1:8000", *mode, *args,
               env={"MICROGPT_BUILD_CACHE": str(BUILD_CACHE)})


@nox.session(venv_backend="none", default=False)
def results(session):
    """Re-run every step in full and rewrite docs/results/ (commit the files)."""
    Shared(session).run("python", "-m", "microgpt.results", *session.posargs)


@nox.session(venv_backend="none", default=False)
def reproduce(session):
    """Slow: run every step in full and compare its output with the reference program's."""
    Shared(session).run("pytest", "tests/reproduce", "-v", *session.posargs)


@nox.session(venv_backend="none", default=False)
def reproduce_downloads(session):
    """Slow (about 20 minutes): build the site, then run each single-file program it serves
    in full and compare its output with the package's, line for line."""
    shared = Shared(session)
    npm_ci(session)
    site = session.create_tmp() + "/site"
    # only these strict builds print the book to PDF (sitebuild/hooks/book.py)
    shared.run("mkdocs", "build", "--strict", "--clean", "--site-dir", site, env={"MICROGPT_BOOK_PDF": "1"})
    shared.run("pytest", "tests/site/test_downloads.py", f"--site={site}", "--full-runs", "-v",
               *session.posargs)


@nox.session(venv_backend="none", default=False)
def bench(session):
    """Step 5 and its fast engine side by side: identical losses, time ratio, peak memory
    (50 training steps; `nox -s bench -- 200` for more)."""
    Shared(session).run("python", "-m", "microgpt.bench", *session.posargs)


@nox.session(venv_backend="none", default=False)
def speed(session):
    """Measure Step 5's cost and the fast engine's (a few minutes); rewrite docs/results/speed.json."""
    Shared(session).run("python", "-m", "microgpt.speed", *session.posargs)


@nox.session(venv_backend="none", default=False)
def ladder(session):
    """Every engine of Step 5 side by side, several rounds, with the flop count and the machine's
    peak (a few minutes; `nox -s ladder -- --rounds 5`); rewrite docs/results/ladder.json."""
    Shared(session).run("python", "-m", "microgpt.ladder", *session.posargs)
