"""The validator's editor test on a display (Xvfb): editors open while audio is processed,
resize, close and reopen."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import scuff
from support.test_plugins import EDITOR_FAULTS_ID, FAULTS_FILE, VST3_PLUGINS_BUNDLE, VST3_SIZED_EDITOR_ID
from support.x11 import xvfb_display


@pytest.fixture(scope="module")
def x_display() -> Iterator[str]:
    with xvfb_display() as name, pytest.MonkeyPatch.context() as patch:
        # Sandboxes inherit the client's environment: they find the display here.
        patch.setenv("DISPLAY", name)
        yield name


@pytest.mark.parametrize(("file", "plugin_id"), [(FAULTS_FILE, EDITOR_FAULTS_ID),
                                                 (VST3_PLUGINS_BUNDLE, VST3_SIZED_EDITOR_ID)])
def test_editors_open_resize_close_and_reopen_while_processing(x_display, test_plugins, file, plugin_id):
    report = scuff.validate(test_plugins / file, plugin_id=plugin_id, tests=["editor"], seed=2, seconds=0.1)
    editor = report.result("editor")
    assert editor.passed and not editor.skipped, report.table()
    assert "closed and reopened while" in editor.detail


def test_a_zam_editor_passes_the_editor_test(x_display):
    report = scuff.validate("/usr/lib/clap/ZamComp.clap", tests=["editor"], seed=2, seconds=0.1)
    editor = report.result("editor")
    assert editor.passed and not editor.skipped, report.table()


def test_without_a_display_the_editor_test_is_skipped(test_plugins, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    report = scuff.validate(test_plugins / FAULTS_FILE, plugin_id=EDITOR_FAULTS_ID, tests=["editor"], seed=2)
    assert report.passed and report.result("editor").skipped
