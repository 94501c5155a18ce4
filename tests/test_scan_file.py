"""scuff-scan lists the plugins inside one CLAP file or VST3 bundle, in its own process."""

from __future__ import annotations

import dataclasses
import os
import platform
import re
import shutil

import pytest

from scuff.scan.scanner_process import read_report, scan_file
from support.test_plugins import (
    CRASH_IN_INIT_ID,
    CRASH_ON_LOAD_FILE,
    EMPTY_FILE,
    FAULTS_FILE,
    FAULTS_FILE_IDS,
    GAIN_ID,
    HANG_ON_LOAD_FILE,
    PLUGINS_FILE,
    PLUGINS_FILE_IDS,
)
from support.zam import ZAM_CLAP_FILES, ZAM_VST3_DIR

ZAMCOMP_VST3 = ZAM_VST3_DIR / "ZamComp.vst3"
ZAMCOMP_VST3_BINARY = ZAMCOMP_VST3 / "Contents" / f"{platform.machine()}-linux" / "ZamComp.so"


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
    assert result.error == "the scanner did not finish within 1 s and was killed"
    assert result.scanner_failed


@pytest.mark.parametrize("content", [b"hello", os.urandom(4096)])
def test_a_file_that_is_not_a_plugin_becomes_an_error(tmp_path, content):
    path = tmp_path / "broken.clap"
    path.write_bytes(content)
    result = scan_file(path)
    assert result.plugins == () and result.error.startswith(f"cannot load {path}")


def test_a_malformed_report_is_not_trusted():
    result = read_report("/x.clap", b"\x10\x00\x00\x00garbage-garbage-garbage")
    assert result.error == "the scanner produced a malformed report"


def test_a_vst3_bundle_is_described_from_its_factory():
    (plugin,) = scan_file(ZAMCOMP_VST3).plugins
    # The class id, as 32 uppercase hex digits.
    assert re.fullmatch(r"[0-9A-F]{32}", plugin.id)
    assert (plugin.name, plugin.vendor, plugin.version, plugin.format) == (
        "ZamComp", "Damien Zammit", "4.1.0", "vst3")
    assert plugin.path == str(ZAMCOMP_VST3)
    assert plugin.features == ("Fx", "Dynamics", "Mono")
    # A mono main bus and a mono sidechain in, like the CLAP build.
    assert plugin.audio_inputs == (1, 1) and plugin.audio_outputs == (1,)
    # The VST3 build also has hidden parameters (buffer size, sample rate, program), not counted.
    assert plugin.param_count == 10 and plugin.has_gui
    assert plugin.note_inputs == 0 and plugin.note_outputs == 0


def test_a_bundle_named_with_a_trailing_slash_is_the_same_bundle():
    assert scan_file(f"{ZAMCOMP_VST3}/").plugins == scan_file(ZAMCOMP_VST3).plugins


def test_a_vst3_library_file_outside_a_bundle_is_read(tmp_path):
    single = tmp_path / "ZamComp.vst3"
    shutil.copyfile(ZAMCOMP_VST3_BINARY, single)
    (plugin,) = scan_file(single).plugins
    (from_bundle,) = scan_file(ZAMCOMP_VST3).plugins
    assert plugin.path == str(single)
    assert plugin == dataclasses.replace(from_bundle, path=str(single))


def test_a_bundle_without_a_binary_for_this_machine_is_an_error(tmp_path):
    bundle = tmp_path / "Empty.vst3"
    (bundle / "Contents" / "Resources").mkdir(parents=True)
    result = scan_file(bundle)
    assert result.plugins == ()
    assert result.error == (f"no {platform.machine()}-linux binary in the VST3 bundle {bundle} "
                            f"(expected {bundle}/Contents/{platform.machine()}-linux/Empty.so)")


def test_a_vst3_file_that_is_not_a_library_is_an_error(tmp_path):
    path = tmp_path / "garbage.vst3"
    path.write_bytes(os.urandom(4096))
    result = scan_file(path)
    assert result.plugins == () and result.error.startswith(f"cannot load {path}")


def test_a_library_without_the_vst3_entry_point_is_an_error(tmp_path, test_plugins):
    # A CLAP file is a fine shared library, but it has no GetPluginFactory.
    path = tmp_path / "NotVst3.vst3"
    shutil.copyfile(test_plugins / PLUGINS_FILE, path)
    result = scan_file(path)
    assert result.plugins == () and result.error == f"no GetPluginFactory symbol in {path}"


def test_listing_only_creates_no_plugin(test_plugins):
    # The faults file has a plugin that crashes in init: a listing never calls it.
    result = scan_file(test_plugins / FAULTS_FILE, instantiate=False)
    assert result.error == "" and [p.id for p in result.plugins] == list(FAULTS_FILE_IDS)
    assert all(p.audio_inputs == () and p.param_count == 0 for p in result.plugins)


def test_one_plugin_of_a_file_can_be_read_alone(test_plugins):
    (gain,) = scan_file(test_plugins / PLUGINS_FILE, plugin_id=GAIN_ID).plugins
    assert gain.id == GAIN_ID and gain.param_count == 1
    (comp,) = scan_file(ZAMCOMP_VST3, plugin_id=scan_file(ZAMCOMP_VST3).plugins[0].id).plugins
    assert comp.name == "ZamComp" and comp.param_count == 10


def test_reading_a_plugin_the_file_does_not_hold_is_an_error(test_plugins):
    result = scan_file(test_plugins / PLUGINS_FILE, plugin_id="org.example.missing")
    assert result.error == f"no plugin with the id org.example.missing in {test_plugins / PLUGINS_FILE}"


def test_a_plugin_crashing_in_init_crashes_the_whole_file_scan(test_plugins):
    whole = scan_file(test_plugins / FAULTS_FILE)
    assert whole.scanner_failed and whole.error == "the scanner was killed by SIGSEGV"
    alone = scan_file(test_plugins / FAULTS_FILE, plugin_id=CRASH_IN_INIT_ID)
    assert alone.scanner_failed and alone.error == "the scanner was killed by SIGSEGV"
