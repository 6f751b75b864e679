"""The drills' copy of the project works in a clone that another user owns.

GitHub's deploy workflow runs its jobs as root in a container, where the checkout
belongs to the runner's user (uid 1001); git refuses such a repository ("detected
dubious ownership") unless told to trust it. This builds that situation in a
temporary repository and copies it as the drills do.
"""

import os
import shutil
import subprocess

import pytest
from run_drills import ROOT, CopyError, copy_project

OTHER_UID = 1001  # the runner's user on GitHub's hosted runners

TRACKED = {
    "pyproject.toml": "[project]\n",
    "microgpt/__init__.py": "",
    "docs/step-0/page.md": "# A page\n",
    "docs/a name with spaces.md": "spaces\n",
    "docs/naïve.md": "not ASCII\n",
}
DELETED_AFTER_COMMIT = "docs/removed.md"  # tracked, but gone from the working tree
IGNORED = ["node_modules/pkg/index.js", ".nox/tests/bin/python", "site/index.html",
           ".cache/build/picture.svg", "microgpt/__pycache__/data.cpython-313.pyc",
           "microgpt.egg-info/PKG-INFO"]
UNTRACKED = "notes.txt"  # neither tracked nor ignored


def git(repo, *args):
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True)


def write(root, name, text="made by the test\n"):
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    (root / name).write_text(text)


@pytest.fixture
def repository(tmp_path, monkeypatch):
    """A repository ignoring what the project's .gitignore ignores, owned by OTHER_UID."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    if os.geteuid() != 0:
        pytest.skip("needs root: git's ownership check bites when root uses a clone that another "
                    "user owns (GitHub's container job; CI here runs as root)")
    # Only this test's own configuration: a safe.directory in the caller's would hide the failure.
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    repo = tmp_path / "clone"
    repo.mkdir()
    assert git(repo, "init", "--quiet").returncode == 0
    shutil.copy(ROOT / ".gitignore", repo / ".gitignore")
    for name, text in TRACKED.items():
        write(repo, name, text)
    write(repo, DELETED_AFTER_COMMIT)
    assert git(repo, "add", "--all").returncode == 0
    committed = git(repo, "-c", "user.name=test", "-c", "user.email=test@example.invalid",
                    "commit", "--quiet", "--message", "the project")
    assert committed.returncode == 0, committed.stderr
    (repo / DELETED_AFTER_COMMIT).unlink()
    for name in [*IGNORED, UNTRACKED]:
        write(repo, name)
    for path in [repo, *repo.rglob("*")]:
        os.chown(path, OTHER_UID, OTHER_UID, follow_symlinks=False)
    return repo


def files_under(root):
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def test_root_copies_exactly_the_tracked_files_of_a_clone_another_user_owns(repository, tmp_path):
    refused = git(repository, "ls-files")
    assert refused.returncode != 0 and "dubious ownership" in refused.stderr, (
        "the setup must reproduce GitHub's container job, where plain git refuses the checkout")

    copy = tmp_path / "copy"
    copy_project(copy, source=repository)

    assert files_under(copy) == {".gitignore", *TRACKED}
    for name, text in TRACKED.items():
        assert (copy / name).read_text() == text


def test_a_folder_that_is_no_git_clone_gets_one_clear_error(tmp_path, monkeypatch):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))  # no repository above it either
    (tmp_path / "project").mkdir()
    with pytest.raises(CopyError, match="run them in a git clone of the project"):
        copy_project(tmp_path / "copy", source=tmp_path / "project")
