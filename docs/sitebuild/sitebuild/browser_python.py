"""What the reader's in-browser Python needs, added to the site at build time
from the npm packages pinned in package.json (installed by `npm ci`; nothing
of them is committed):

- pyodide/<version>/: Pyodide's core runtime (the WebAssembly CPython, its
  standard library, the loader), under a versioned path so that a new
  version never mixes with a cached old one;
- pyodide/runtime.json: where the worker finds the runtime, the microgpt
  wheel and names.txt (both built by downloads.py), their total size, for
  the progress bar, and a hash of them all, which names the worker's Cache
  Storage (a new deployment, a new cache);
- assets/javascripts/editor.js: CodeMirror, bundled by esbuild from
  sitebuild/editor.mjs, loaded by try-it.js on the first Edit.

The hook hooks/browser_python.py adds them to the site.
"""

import hashlib
import json
import subprocess
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

from microgpt.data import names_path
from sitebuild import build_cache
from sitebuild.common import ROOT
from sitebuild.downloads import FOLDER, NAMES, wheel_name

NODE_MODULES = ROOT / "node_modules"
PYODIDE = NODE_MODULES / "pyodide"
RUNTIME_FILES = ("pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
EDITOR_SOURCE = Path(__file__).with_name("editor.mjs")
NPM_CI = "run `npm ci` in the repository first (`nox -s docs` does)"


def pyodide_version():
    package = PYODIDE / "package.json"
    if not package.is_file():
        raise PluginError(f"Pyodide is not installed in {NODE_MODULES}: {NPM_CI}")
    return json.loads(package.read_text())["version"]


def bundle_editor():
    """The editor's bundle: one minified ES module, made by the pinned esbuild."""
    esbuild = NODE_MODULES / ".bin" / "esbuild"
    if not esbuild.exists():
        raise PluginError(f"esbuild is not installed in {NODE_MODULES}: {NPM_CI}")
    done = subprocess.run([str(esbuild), str(EDITOR_SOURCE), "--bundle", "--format=esm", "--minify",
                           "--log-level=warning"], capture_output=True, cwd=ROOT)
    if done.returncode:
        raise PluginError(f"esbuild could not bundle {EDITOR_SOURCE.name}:\n{done.stderr.decode()}")
    return done.stdout


def download_bytes(wheel_bytes=0):
    """What the reader's browser downloads on the first Run: the runtime, names.txt, the wheel."""
    pyodide_version()
    runtime = sum((PYODIDE / name).stat().st_size for name in RUNTIME_FILES)
    return runtime + names_path().stat().st_size + wheel_bytes


def add_files(files, config):
    """Add the runtime, runtime.json and the editor's bundle to the files of the site."""
    version = pyodide_version()
    base = f"pyodide/{version}/"
    for name in RUNTIME_FILES:
        files.append(File.generated(config, base + name, abs_src_path=str(PYODIDE / name)))
    wheel = f"{FOLDER}/{wheel_name()}"
    wheel_bytes = files.get_file_from_path(wheel).content_bytes
    digest = hashlib.sha256(wheel_bytes + names_path().read_bytes())
    for name in RUNTIME_FILES:
        digest.update((PYODIDE / name).read_bytes())
    runtime = {"pyodide": base, "wheel": wheel, "names": f"{FOLDER}/{NAMES}",
               "bytes": download_bytes(len(wheel_bytes)), "version": digest.hexdigest()[:16]}
    files.append(File.generated(config, "pyodide/runtime.json", content=json.dumps(runtime)))
    editor = build_cache.cached("editor", "editor.js", bundle_editor)
    files.append(File.generated(config, "assets/javascripts/editor.js", content=editor))
    return files
