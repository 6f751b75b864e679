"""The dataset (makemore's names.txt) and the character-level tokenizer.

Where names.txt comes from, in order:

1. ``MICROGPT_NAMES``: an environment variable holding the path of a local copy;
2. the cache, ``$MICROGPT_CACHE_DIR`` or ``~/.cache/microgpt``;
3. a download into the cache: from the pinned URL, or, when that host cannot
   be reached, from the copy on the guide's site (``MIRROR_URL``, set in the
   wheel and the single-file programs that the site serves).

Every copy is checked against the pinned sha256 before it is used, and the
cache is only ever written by renaming a fully downloaded, verified file.
"""

import hashlib
import os
import re
import secrets
import stat
import urllib.error
import urllib.request
from pathlib import Path

from .errors import MicrogptError

NAMES_URL = "https://raw.githubusercontent.com/karpathy/makemore/988aa59/names.txt"
NAMES_SHA256 = "0a30b5557f192f32ab962680889aac5f6fda0f4cecf40a6d0b5694f58ea8cc4d"
MIRROR_URL = None  # the site's downloads/names.txt; its build fills this in (sitebuild/downloads.py)
NAMES_ENV = "MICROGPT_NAMES"
CACHE_ENV = "MICROGPT_CACHE_DIR"
DOWNLOAD_TIMEOUT_SECONDS = 30
MAX_DATA_BYTES = 16 * 2**20  # a names file may hold up to 16 MB (names.txt: 228 KB)
# Characters no name holds: control characters (NUL, tab, escape, ...) and a
# byte-order mark past the start of the file; each would become a "letter".
NOT_IN_A_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\ufeff]")

HOW_TO_PROVIDE = (
    f"Download names.txt from {NAMES_URL} and run "
    f"`export {NAMES_ENV}=/path/to/names.txt`, or put it in the cache at {{cache}}."
)


def cache_dir():
    """The folder where the verified names.txt is kept between runs."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(xdg) / "microgpt"


def sha256_of(data):
    return hashlib.sha256(data).hexdigest()


def names_path():
    """The path of a verified copy of names.txt, downloading it if needed."""
    cached = cache_dir() / "names.txt"
    if os.environ.get(NAMES_ENV):
        local = Path(os.environ[NAMES_ENV]).expanduser()
        _verify(_read_bytes(local, f"{NAMES_ENV} points at"), local, cached)
        return local
    damage = None
    if cached.exists():
        try:
            _verify(_read_bytes(cached, "the cached copy"), cached, cached)
            return cached
        except MicrogptError:  # a damaged cache is replaced below, and only by a verified copy
            damage = (f"the cached copy at {cached} is damaged (its sha256 does not match "
                      f"names.txt's; {cached.stat().st_size:,} bytes)")
    _download_into(cached, damage)
    return cached


def _read_bytes(path, what):
    """The bytes of a file of at most MAX_DATA_BYTES, or one clear error."""
    try:
        with open(path, "rb") as file:
            data = file.read(MAX_DATA_BYTES + 1)
    except FileNotFoundError:
        raise MicrogptError(
            f"{what} {path}, which does not exist. "
            + HOW_TO_PROVIDE.format(cache=cache_dir() / "names.txt")
        ) from None
    except OSError as error:
        raise MicrogptError(f"cannot read {path}: {error.strerror or error}") from None
    if len(data) > MAX_DATA_BYTES:
        raise MicrogptError(
            f"{path} is larger than {MAX_DATA_BYTES // 2**20} MB, too big for a file of names "
            "(makemore's names.txt is 228 KB): pass a smaller file, one name per line"
        )
    return data


def _verify(data, path, cached):
    digest = sha256_of(data)
    if digest != NAMES_SHA256:
        raise MicrogptError(
            f"{path} is not makemore's names.txt: its sha256 is {digest[:12]}..., "
            f"expected {NAMES_SHA256[:12]}... Replace it with an unmodified copy "
            f"({NAMES_URL}); to train on names of your own, pass --data PATH instead."
            + ("" if path == cached else f" The cache at {cached} was left untouched.")
        )


def _download(url):
    """The bytes at url, or None and why not."""
    try:
        with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
            return response.read(), None
    except (urllib.error.URLError, OSError) as error:
        return None, f"{url}: {getattr(error, 'reason', error)}"


def _download_into(cached, damage=None):
    """Download, verify and cache names.txt: from the pinned URL, else from the site's copy.
    `damage`: what is wrong with the cached copy this replaces, if there is one."""
    failures = []
    for url in filter(None, (NAMES_URL, MIRROR_URL)):
        data, failure = _download(url)
        if data is not None:
            break
        failures.append(failure)
    else:
        missing = (f"{damage}, perhaps cut short by an interrupted copy, and a fresh one"
                   if damage else "names.txt is not available locally and")
        raise MicrogptError(
            f"{missing} could not be downloaded ({'; '.join(failures)}). "
            + HOW_TO_PROVIDE.format(cache=cached)
        )
    _verify(data, url, cached)
    try:
        write_atomically(cached, data)
    except OSError as error:
        raise MicrogptError(
            f"cannot write the cache at {cached}: {error.strerror or error}. Point {CACHE_ENV} "
            f"at a writable folder, or set {NAMES_ENV} to a copy of {NAMES_URL}"
        ) from None


def write_atomically(path, data):
    """Write a temporary file in the same folder, flush it to disk, then rename
    it over `path` (atomic on one file system): a reader sees the old file or
    the new one, never half a file. If the write is interrupted, the temporary
    file is removed and the old file is left as it was. The file keeps the old
    file's permissions; a new one gets those of any new file (0644 under the
    usual umask 022)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.parent / f".{path.name}.{secrets.token_hex(8)}.part"
    # Created like any new file (0666 less the umask), never over an existing one.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    descriptor = os.open(part, flags, 0o666)
    try:
        with open(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        if path.exists():
            os.chmod(part, stat.S_IMODE(path.stat().st_mode))
        os.replace(part, path)
    except BaseException:  # also Ctrl-C: no stray part file either way
        part.unlink(missing_ok=True)
        raise


def load_names(path=None):
    """The names of the dataset, in file order: the non-empty stripped lines.

    With no path, the verified names.txt; with a path, any UTF-8 text file of
    names, one per line (no checksum: it is your own data), up to 16 MB; a
    byte-order mark at its start is skipped, and a control character refused.
    """
    if path is not None and not os.fspath(path):
        raise MicrogptError("the dataset path is empty: give the path of a file of names, one per line "
                            "(or leave out --data to use makemore's names.txt)")
    path = Path(path) if path is not None else names_path()
    data = _read_bytes(path, "the dataset path is")
    try:
        text = data.decode("utf-8-sig")  # -sig: without the byte-order mark some editors write
    except UnicodeDecodeError:
        raise MicrogptError(f"{path} is not UTF-8 text: expected one name per line") from None
    _refuse_control_characters(text, path)
    # --8<-- [start:clean_lines]
    names = [line.strip() for line in text.strip().split("\n") if line.strip()]
    # --8<-- [end:clean_lines]
    if not names:
        raise MicrogptError(f"{path} has no names in it: expected one name per line")
    return names


def _refuse_control_characters(text, path):
    for number, line in enumerate(text.split("\n"), start=1):
        name = line.strip()
        found = NOT_IN_A_NAME.search(name)
        if found:
            shown = name if len(name) <= 40 else name[:40] + "..."
            raise MicrogptError(
                f"{path}, line {number}: {shown!r} holds the invisible character "
                f"U+{ord(found.group()):04X} ({found.group()!r}), which no name contains; "
                "remove it, and save the file as plain UTF-8 text, one name per line"
            )


# --8<-- [start:load_docs]
def load_docs(rng, path=None):
    """The training documents: the names, shuffled once by the seeded stream.

    This shuffle is the first thing that draws from ``rng``.
    """
    docs = load_names(path)
    rng.shuffle(docs)
    return docs
# --8<-- [end:load_docs]


# --8<-- [start:tokenizer]
# --8<-- [start:tokenizer_init]
class Tokenizer:
    """Characters become ids 0..n-1 in sorted order; one extra id, BOS, marks
    both the start and the end of a name."""

    def __init__(self, docs):
        self.uchars = sorted(set("".join(docs)))  # 'a'..'z' for names.txt
        self.BOS = len(self.uchars)  # the id after the last character
        self.vocab_size = len(self.uchars) + 1  # every character, plus BOS
        self._ids = {ch: i for i, ch in enumerate(self.uchars)}
    # --8<-- [end:tokenizer_init]

    # --8<-- [start:encode]
    def encode(self, name):
        """'ava' -> [BOS, a, v, a, BOS]"""
        unknown = sorted(set(name) - set(self._ids))
        if unknown:
            raise MicrogptError(
                f"{name!r} contains {', '.join(map(repr, unknown))}, which the vocabulary "
                f"does not have; use only these characters: {''.join(self.uchars)}"
            )
        return [self.BOS] + [self._ids[ch] for ch in name] + [self.BOS]
    # --8<-- [end:encode]

    # --8<-- [start:decode]
    def decode(self, ids):
        """The characters of the ids, leaving out BOS."""
        return "".join(self.uchars[i] for i in ids if i != self.BOS)
    # --8<-- [end:decode]
# --8<-- [end:tokenizer]
