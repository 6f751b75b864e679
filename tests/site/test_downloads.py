"""The downloads of the built site (docs/sitebuild/sitebuild/downloads.py), used as a reader
uses them: the wheel is installed from the site served on 127.0.0.1 into a
fresh virtual environment, and each single-file program is run next to the
package. By default both run the first 3 training steps and sample 3 names
(`--steps 3 --samples 3`); `nox -s reproduce_downloads` passes --full-runs to
run every program in full."""

import functools
import hashlib
import http.server
import importlib.metadata
import os
import re
import subprocess
import sys
import threading
import venv
from pathlib import Path

import pytest

from microgpt.cli import STEPS
from microgpt.data import NAMES_SHA256

DOCS = Path(__file__).parents[2] / "docs"
WHEEL = f"microgpt-{importlib.metadata.version('microgpt')}-py3-none-any.whl"
SHORT_RUN = ["--steps", "3", "--samples", "3"]  # enough to compare the printouts; --full-runs: all
TRY_IT = re.compile(r"```python\n(?P<code>.*?)```\n<!--pytest-codeblocks:expected-output-->\n"
                    r"```text[^\n]*\n(?P<output>.*?)```", re.S)


@pytest.fixture(scope="module")
def server(site):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *args: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def site_url(site):
    """The address the site was built for, from its home page's canonical link."""
    return re.search(r'<link rel="canonical" href="([^"]+)"', (site / "index.html").read_text()).group(1)


def test_every_download_is_built(site):
    built = sorted(path.name for path in (site / "downloads").iterdir())
    assert built == sorted([*(f"{step}.py" for step in STEPS), "names.txt", "names.txt.sha256", WHEEL,
                            "microgpt-visualized.pdf"])  # the book (tests/site/test_book.py)


def test_each_step_page_and_the_complete_program_link_their_files(site):
    for number, step in enumerate(STEPS):
        html = (site / f"step-{number}" / "index.html").read_text()
        assert f'href="../downloads/{step}.py"' in html, f"step-{number}/index.md has no download box"
        assert 'href="../downloads/names.txt"' in html
    complete = (site / "complete-program" / "index.html").read_text()
    assert 'href="../downloads/step5.py"' in complete and f'href="../downloads/{WHEEL}"' in complete


def test_the_install_command_names_the_site_and_the_wheel(site):
    command = f"pip install {site_url(site)}downloads/{WHEEL}"
    for page in ("index.html", "complete-program/index.html"):
        text = re.sub(r"<[^>]+>", "", (site / page).read_text())  # the command as the reader sees it
        assert command in text, f"{page} does not show `{command}`"


def test_names_txt_comes_with_its_checksum(site):
    names = (site / "downloads" / "names.txt").read_bytes()
    assert hashlib.sha256(names).hexdigest() == NAMES_SHA256
    assert (site / "downloads" / "names.txt.sha256").read_text() == f"{NAMES_SHA256}  names.txt\n"


def test_the_wheel_installs_from_the_site_and_a_try_it_block_runs(site, server, tmp_path):
    venv.create(tmp_path / "venv", with_pip=True)
    python = str(tmp_path / "venv" / "bin" / "python")
    install = subprocess.run([python, "-m", "pip", "install", "--quiet", "--no-index", "--no-cache-dir",
                              "--disable-pip-version-check", f"{server}downloads/{WHEEL}"],
                             capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stderr
    # The last "Try it" block of "Run it yourself" on the home page, run in a folder
    # where only the installed wheel can provide `microgpt`.
    block = TRY_IT.findall((DOCS / "index.md").read_text().split("## Run it yourself")[1])[-1]
    code = "import microgpt, sys\nassert microgpt.__file__.startswith(sys.prefix)\n" + block[0]
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=300, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": ""})
    assert done.returncode == 0, done.stderr
    assert done.stdout == block[1]

    # With no local copy and the original host unreachable, the installed package
    # downloads names.txt from the site it came from. (The site was built for its
    # own address; here it is served on another port, so MIRROR_URL is redirected.)
    fetch = ("import microgpt.data as data\n"
             f"assert data.MIRROR_URL == {site_url(site) + 'downloads/names.txt'!r}, data.MIRROR_URL\n"
             "data.NAMES_URL = 'http://127.0.0.1:9/unreachable/names.txt'\n"
             f"data.MIRROR_URL = {server + 'downloads/names.txt'!r}\n"
             "print(data.names_path())\n")
    env = {key: value for key, value in os.environ.items() if key != "MICROGPT_NAMES"}
    done = subprocess.run([python, "-c", fetch], capture_output=True, text=True, timeout=120, cwd=tmp_path,
                          env={**env, "PYTHONPATH": "", "MICROGPT_CACHE_DIR": str(tmp_path / "cache")})
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{tmp_path / 'cache' / 'names.txt'}\n"


def test_each_single_file_program_falls_back_to_the_sites_names_txt(site):
    mirror = f"MIRROR_URL = {site_url(site) + 'downloads/names.txt'!r}"
    for step in STEPS:
        assert mirror in (site / "downloads" / f"{step}.py").read_text(), step


@pytest.mark.parametrize("step", STEPS)
def test_each_single_file_program_prints_what_the_package_prints(site, step, tmp_path, request):
    program = tmp_path / f"{step}.py"
    program.write_bytes((site / "downloads" / f"{step}.py").read_bytes())
    args = [] if request.config.getoption("--full-runs") else SHORT_RUN
    # -I -S: no site-packages, no environment paths: the program has only the standard library
    alone = subprocess.Popen([sys.executable, "-I", "-S", program.name, *args], cwd=tmp_path,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    package = subprocess.run([sys.executable, "-m", "microgpt", step, *args],
                             capture_output=True, text=True, timeout=3600)
    out, err = alone.communicate(timeout=3600)
    assert alone.returncode == 0, err
    assert package.returncode == 0, package.stderr
    assert "\n--- inference (new, hallucinated names) ---\nsample  1: " in out
    assert out == package.stdout
