"""scuff-scan lists the plugins inside one CLAP file, in its own process."""

from __future__ import annotations

import os

import pytest

from conftest import ZAM_CLAP_FILES
from scuff.scan_report import read_report, scan_file
from support.test_plugins import (
    CRASH_ON_LOAD_FILE,
    EMPTY_FILE,
    HANG_ON_LOAD_FILE,
    PLUGINS_FILE,
    PLUGINS_FILE_IDS,
)


def test_every_plugin_of_a_multi_plugin_file_is_listed(test_plugins):
    result = scan_file(test_plugins / PLUGINS_FILE)
    assert result.error == ""
    assert [p.id for p in result.plugins] == list(PLUGINS_FILE_IDS)
    gain = result.plugins[0]
    assert (gain.name, gain.vendor, gain.version, gain.format) == ("Test Gain", "scuff", "1.0.0", "clap")
    assert gain.audio_inputs == (2,) and gain.audio_outputs == (2,) and gain.param_count == 1
    instrument = next(p for p in result.plugins if p.id.endswith("instrument"))
    assert instrument.note_inputs == 1 and instrument.audio_inputs == ()
    assert "instrument" in instrument.features


def test_zam_comp_is_described_from_its_factory():
    comp = next(p for p in ZAM_CLAP_FILES if p.name == "ZamComp.clap")
    (plugin,) = scan_file(comp).plugins
    assert plugin.id == "com.zamaudio.ZamComp"
    assert plugin.vendor == "Damien Zammit"
    assert plugin.audio_inputs == (1, 1) and plugin.audio_outputs == (1,)
    assert plugin.param_count == 10 and plugin.has_gui
    assert "compressor" in plugin.features


def test_a_file_with_no_plugins_gives_an_empty_list(test_plugins):
    result = scan_file(test_plugins / EMPTY_FILE)
    assert result.error == "" and result.plugins == ()


def test_a_scanner_crash_becomes_an_error(test_plugins):
    result = scan_file(test_plugins / CRASH_ON_LOAD_FILE)
    assert result.plugins == ()
    assert result.error == "the scanner was killed by SIGSEGV"


def test_a_hanging_plugin_is_given_up_on(test_plugins):
    result = scan_file(test_plugins / HANG_ON_LOAD_FILE, timeout=1.0)
    assert result.error == "the scanner did not finish within 1 s"


@pytest.mark.parametrize("content", [b"hello", os.urandom(4096)])
def test_a_file_that_is_not_a_plugin_becomes_an_error(tmp_path, content):
    path = tmp_path / "broken.clap"
    path.write_bytes(content)
    result = scan_file(path)
    assert result.plugins == () and result.error.startswith(f"cannot load {path}")


def test_a_malformed_report_is_not_trusted():
    result = read_report("/x.clap", b"\x10\x00\x00\x00garbage-garbage-garbage")
    assert result.error == "the scanner produced a malformed report"
