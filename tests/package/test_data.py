import hashlib
import os
import random
import stat
import urllib.error
from pathlib import Path

import pytest

from microgpt import data
from microgpt.data import NAMES_SHA256, Tokenizer, load_docs, load_names, names_path
from microgpt.errors import MicrogptError


@pytest.fixture
def no_local_copy(monkeypatch, tmp_path):
    """No MICROGPT_NAMES, and an empty cache folder of our own."""
    monkeypatch.delenv(data.NAMES_ENV, raising=False)
    monkeypatch.setenv(data.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache" / "names.txt"


class FakeResponse:
    """What urllib.request.urlopen returns, holding `payload`."""

    def __init__(self, payload):
        self.payload = payload

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def read(self):
        return self.payload


def fake_download(monkeypatch, payload):
    monkeypatch.setattr(data.urllib.request, "urlopen", lambda url, timeout: FakeResponse(payload))


def offline(monkeypatch):
    def refuse(url, timeout):
        raise urllib.error.URLError("no network")

    monkeypatch.setattr(data.urllib.request, "urlopen", refuse)


def test_the_dataset_is_makemores_names(docs, real_bytes):
    assert hashlib.sha256(real_bytes).hexdigest() == NAMES_SHA256
    assert len(docs) == len(load_names()) == 32033
    assert all(name == name.strip() and name for name in docs)


@pytest.mark.needs_names
def test_the_shuffle_is_the_first_draw_of_the_stream():
    first, second = load_docs(random.Random(42)), load_docs(random.Random(42))
    assert first == second
    assert first != load_names() and sorted(first) == sorted(load_names())


def test_tokenizer_wraps_a_name_in_bos(docs):
    tok = Tokenizer(docs)
    assert tok.uchars == list("abcdefghijklmnopqrstuvwxyz")
    assert (tok.BOS, tok.vocab_size) == (26, 27)
    assert tok.encode("ava") == [26, 0, 21, 0, 26]
    assert tok.decode(tok.encode("ava")) == "ava"


def test_unknown_character_names_the_character_and_the_vocabulary(docs):
    with pytest.raises(MicrogptError, match=r"'Ava' contains 'A'.*abcdefghijklmnopqrstuvwxyz"):
        Tokenizer(docs).encode("Ava")


def test_empty_dataset_file_is_refused(tmp_path):
    empty = tmp_path / "names.txt"
    empty.write_text("\n  \n")
    with pytest.raises(MicrogptError, match="has no names in it"):
        load_names(empty)


def test_non_utf8_dataset_is_refused(tmp_path):
    binary = tmp_path / "names.bin"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(MicrogptError, match="not UTF-8"):
        load_names(binary)


def test_env_copy_with_wrong_checksum_is_refused_and_cache_untouched(monkeypatch, tmp_path, real_bytes):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "names.txt").write_bytes(real_bytes)
    tampered = tmp_path / "names.txt"
    tampered.write_bytes(real_bytes + b"zed\n")
    monkeypatch.setenv(data.CACHE_ENV, str(cache))
    monkeypatch.setenv(data.NAMES_ENV, str(tampered))
    with pytest.raises(MicrogptError, match="not makemore's names.txt.*left untouched"):
        names_path()
    assert (cache / "names.txt").read_bytes() == real_bytes


def test_env_pointing_nowhere_says_how_to_fix(monkeypatch, tmp_path):
    monkeypatch.setenv(data.NAMES_ENV, str(tmp_path / "missing.txt"))
    with pytest.raises(MicrogptError, match="does not exist.*export MICROGPT_NAMES"):
        names_path()


def test_no_copy_and_no_network_says_how_to_provide_the_file(monkeypatch, no_local_copy):
    offline(monkeypatch)
    with pytest.raises(MicrogptError, match="could not be downloaded.*export MICROGPT_NAMES"):
        names_path()
    assert not no_local_copy.parent.exists() or not any(no_local_copy.parent.iterdir())


def test_download_with_wrong_checksum_writes_nothing(monkeypatch, no_local_copy):
    fake_download(monkeypatch, b"emma\nolivia\n")
    with pytest.raises(MicrogptError, match="not makemore's names.txt"):
        names_path()
    assert not no_local_copy.exists()


def test_verified_download_is_cached(real_bytes, monkeypatch, no_local_copy):
    fake_download(monkeypatch, real_bytes)
    assert names_path() == no_local_copy
    assert no_local_copy.read_bytes() == real_bytes
    assert [p.name for p in no_local_copy.parent.iterdir()] == ["names.txt"]
    offline(monkeypatch)  # the second time, the cache answers
    assert names_path() == no_local_copy


def test_damaged_cache_is_replaced_only_by_a_verified_download(real_bytes, monkeypatch, no_local_copy):
    no_local_copy.parent.mkdir(parents=True)
    no_local_copy.write_bytes(b"half a fi")
    offline(monkeypatch)
    with pytest.raises(MicrogptError) as error:
        names_path()
    assert str(error.value).startswith(  # not "not available locally": it is there, but damaged
        f"the cached copy at {no_local_copy} is damaged (its sha256 does not match names.txt's; "
        "9 bytes), perhaps cut short by an interrupted copy, and a fresh one could not be downloaded "
        f"({data.NAMES_URL}: no network). Download names.txt from {data.NAMES_URL} and run "
        f"`export MICROGPT_NAMES=/path/to/names.txt`, or put it in the cache at {no_local_copy}.")
    assert no_local_copy.read_bytes() == b"half a fi"
    fake_download(monkeypatch, real_bytes)
    assert names_path().read_bytes() == real_bytes


def interrupt_cache_writes(monkeypatch, folder, interruption):
    """Make the flush to disk of a temporary file in `folder` raise `interruption`,
    once its bytes are written; returns the temporary files there at that moment."""
    made = []

    def fail(descriptor):
        made.extend(folder.glob(".*.part"))
        assert all(part.stat().st_size > 0 for part in made)  # a partial file is on disk now
        raise interruption

    monkeypatch.setattr(data.os, "fsync", fail)
    return made


@pytest.mark.parametrize("interruption", [OSError(28, "No space left on device"), KeyboardInterrupt()],
                         ids=["disk full", "ctrl-c"])
@pytest.mark.parametrize("old", [b"an old damaged copy", None], ids=["old cache", "no cache"])
def test_an_interrupted_cache_write_leaves_no_partial_file(real_bytes, monkeypatch, no_local_copy,
                                                           interruption, old):
    if old is not None:
        no_local_copy.parent.mkdir(parents=True)
        no_local_copy.write_bytes(old)
    fake_download(monkeypatch, real_bytes)
    made = interrupt_cache_writes(monkeypatch, no_local_copy.parent, interruption)
    if isinstance(interruption, OSError):  # one clear message, not a traceback
        raised = pytest.raises(MicrogptError, match="cannot write the cache.*MICROGPT_CACHE_DIR")
    else:
        raised = pytest.raises(KeyboardInterrupt)
    with raised:
        names_path()
    assert len(made) == 1 and not made[0].exists()
    assert [p.name for p in no_local_copy.parent.iterdir()] == ([] if old is None else ["names.txt"])
    if old is not None:
        assert no_local_copy.read_bytes() == old


def test_the_sites_copy_is_used_when_the_original_host_is_unreachable(monkeypatch, no_local_copy,
                                                                       real_bytes):
    mirror = "https://guide.example/downloads/names.txt"
    monkeypatch.setattr(data, "MIRROR_URL", mirror)
    asked = []

    def only_the_mirror(url, timeout):
        asked.append(url)
        if url != mirror:
            raise urllib.error.URLError("unreachable")
        return FakeResponse(real_bytes)

    monkeypatch.setattr(data.urllib.request, "urlopen", only_the_mirror)
    assert names_path() == no_local_copy
    assert asked == [data.NAMES_URL, mirror]
    assert no_local_copy.read_bytes() == real_bytes


def test_when_both_hosts_fail_the_error_names_each(monkeypatch, no_local_copy):
    monkeypatch.setattr(data, "MIRROR_URL", "https://guide.example/downloads/names.txt")
    offline(monkeypatch)
    with pytest.raises(MicrogptError) as error:
        names_path()
    assert data.NAMES_URL in str(error.value) and "guide.example" in str(error.value)
    assert data.NAMES_ENV in str(error.value)
    assert not no_local_copy.exists()


def test_an_empty_dataset_path_is_named_as_empty():
    with pytest.raises(MicrogptError, match="^the dataset path is empty: give the path of a file"):
        load_names("")


def test_a_byte_order_mark_is_not_a_letter(tmp_path):
    marked = tmp_path / "names.txt"
    marked.write_bytes("\ufeffemma\r\nolivia\r\n".encode())
    assert load_names(marked) == ["emma", "olivia"]
    assert Tokenizer(load_names(marked)).uchars == sorted(set("emmaolivia"))


@pytest.mark.parametrize("text, line, shown", [
    ("emma\nol\x00ivia\n", 2, "'ol\\x00ivia' holds the invisible character U+0000 ('\\x00')"),
    ("\x00\n", 1, "'\\x00' holds the invisible character U+0000 ('\\x00')"),
    ("emma\nava\x1b[31m\n", 2, "U+001B ('\\x1b')"),
    ("emma\nzoe\ufeff\n", 2, "U+FEFF ('\\ufeff')"),  # a byte-order mark past the start
    ("emma\ttab\n", 1, "U+0009 ('\\t')"),
    ("x" * 60 + "\x07\n", 1, "'" + "x" * 40 + "...' holds"),  # a long line is cut short
])
def test_a_control_character_is_refused_with_its_line(tmp_path, text, line, shown):
    path = tmp_path / "names.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MicrogptError) as error:
        load_names(path)
    message = str(error.value)
    assert message.startswith(f"{path}, line {line}: ") and shown in message
    assert message.endswith("remove it, and save the file as plain UTF-8 text, one name per line")


def test_whitespace_around_a_name_is_still_trimmed(tmp_path):
    path = tmp_path / "names.txt"
    path.write_text(" emma\t\r\n\tava \n\n", encoding="utf-8")
    assert load_names(path) == ["emma", "ava"]


def test_reading_is_bounded(tmp_path):
    """--data /dev/zero used to read until MemoryError."""
    big = tmp_path / "big.txt"
    with open(big, "wb") as file:
        file.truncate(data.MAX_DATA_BYTES + 1)  # sparse: no disk used
    for path in (big, Path("/dev/zero")):
        if not path.exists():
            continue
        with pytest.raises(MicrogptError, match=f"^{path} is larger than 16 MB, too big for a file"):
            load_names(path)


def test_a_file_at_the_limit_is_read(tmp_path):
    path = tmp_path / "names.txt"
    line = b"ab\n"
    path.write_bytes(line * (data.MAX_DATA_BYTES // len(line)))
    assert len(load_names(path)) == data.MAX_DATA_BYTES // len(line)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_a_rewritten_file_keeps_its_mode_and_a_new_one_follows_the_umask(tmp_path):
    old = tmp_path / "old.json"
    old.write_bytes(b"old")
    old.chmod(0o664)
    data.write_atomically(old, b"new")
    assert (old.read_bytes(), stat.S_IMODE(old.stat().st_mode)) == (b"new", 0o664)
    umask = os.umask(0o027)
    try:
        data.write_atomically(tmp_path / "new.json", b"new")
        data.write_atomically(tmp_path / "shared" / "new.json", b"new")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o640  # 0666 less the umask
    os.umask(0o022)
    try:
        data.write_atomically(tmp_path / "usual.json", b"new")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "usual.json").stat().st_mode) == 0o644
