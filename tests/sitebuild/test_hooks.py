"""The MkDocs entry points (sitebuild/hooks/): importable as modules of the
package, and the notebook cache survives mkdocs-jupyter's eviction."""

from types import SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError

from sitebuild import build_cache
from sitebuild.hooks import notebook_cache, widget_scripts

PAGE = SimpleNamespace(file=SimpleNamespace(src_uri="step-1/10-your-turn.md"))
SCRIPTS = ('<script src="../../assets/javascripts/widgets.js"></script>'
           '<script src="../../assets/javascripts/try-it.js"></script>')


def test_the_widget_scripts_are_found_where_the_javascript_lives():
    files, needs = widget_scripts.registry()
    assert widget_scripts.WIDGETS_DIR.is_dir() and files
    assert all((widget_scripts.WIDGETS_DIR / file).is_file() for file in files.values())
    assert set(needs) == {path.name for path in widget_scripts.WIDGETS_DIR.glob("*.js")}


@pytest.mark.parametrize("holder", ['<div class="mg-exercise" data-exercise="a">',
                                    '<div class="mg-exercise-progress" data-step="1">'])
def test_exercises_js_goes_after_try_it_only_where_there_are_exercises(holder):
    with_exercises = widget_scripts.on_post_page(holder + SCRIPTS, PAGE, config=None)
    assert with_exercises.endswith('try-it.js"></script><script src="../../assets/javascripts/exercises.js">'
                                   '</script>')
    prose = "<p>prose</p>" + SCRIPTS
    assert widget_scripts.on_post_page(prose, PAGE, config=None) == prose
    with pytest.raises(PluginError, match="does not load assets/javascripts/try-it.js"):
        widget_scripts.on_post_page(holder, PAGE, config=None)


def test_a_notebook_entry_evicted_after_a_build_is_back_before_the_next(tmp_path, monkeypatch):
    monkeypatch.setenv(build_cache.CACHE_ENV, str(tmp_path))
    where = build_cache.keyed_folder("notebooks")
    entry = where / "abc.json"
    entry.write_text('{"cells": []}')
    notebook_cache.on_post_build(config=None)
    entry.unlink()  # what mkdocs-jupyter does to an entry it did not use in a --dirty rebuild
    notebook_cache.on_pre_build(config=None)
    assert entry.read_text() == '{"cells": []}'


def test_without_a_cache_folder_the_notebook_hooks_do_nothing(monkeypatch):
    monkeypatch.delenv(build_cache.CACHE_ENV, raising=False)
    assert notebook_cache.on_post_build(config=None) is None
    assert notebook_cache.on_pre_build(config=None) is None
