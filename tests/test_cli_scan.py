"""`scuff scan` on the command line: plugins on stdout as lines or JSON, progress and
unusable files on stderr, exit status 0 either way."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

from scuff.scan.scanner_process import scan_file
from support.test_plugins import CRASH_ON_LOAD_FILE, GAIN_ID, PLUGINS_FILE, PLUGINS_FILE_IDS
from support.vst3_bundles import audio_class, bundle, module_info
from support.zam import ZAM_CLAP_FILES, ZAM_VST3_BUNDLES, ZAM_VST3_DIR


def scuff_scan(*args: str | Path, stderr: int = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scuff", "scan", *map(str, args)],
                          stdout=subprocess.PIPE, stderr=stderr, text=True, timeout=120)


def test_plain_output_lists_one_plugin_per_line_and_broken_files_on_stderr(test_plugins):
    result = scuff_scan("--paths-only", test_plugins / PLUGINS_FILE, test_plugins / CRASH_ON_LOAD_FILE)
    assert result.returncode == 0
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert sorted(line[0] for line in lines) == sorted(PLUGINS_FILE_IDS)
    assert [GAIN_ID, "Test Gain", "scuff", "clap", str(test_plugins / PLUGINS_FILE)] in lines
    assert (f"scuff: cannot use {test_plugins / CRASH_ON_LOAD_FILE}: the scanner was killed by SIGSEGV"
            in result.stderr.splitlines())
    summary = f"scuff: {len(PLUGINS_FILE_IDS)} plugins in 1 file; 1 could not be used (see above)"
    assert summary in result.stderr.splitlines()


def test_progress_is_plain_lines_when_stderr_is_not_a_terminal(test_plugins):
    result = scuff_scan("--paths-only", test_plugins / PLUGINS_FILE, test_plugins / CRASH_ON_LOAD_FILE)
    progress = [line.split(" ", 3) for line in result.stderr.splitlines() if line.startswith("scuff: scanned ")]
    # One line per file, in the order the files are done.
    assert [words[2] for words in progress] == ["1/2", "2/2"]
    assert {words[3] for words in progress} == {str(test_plugins / name) for name in (PLUGINS_FILE, CRASH_ON_LOAD_FILE)}
    assert "\r" not in result.stderr


def test_progress_is_one_redrawn_line_on_a_terminal(test_plugins):
    controller, terminal = pty.openpty()
    try:
        result = scuff_scan("--paths-only", test_plugins / PLUGINS_FILE, stderr=terminal)
    finally:
        os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal's other end is closed: all was read
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    assert result.returncode == 0 and len(result.stdout.splitlines()) == len(PLUGINS_FILE_IDS)
    # The terminal shows each newline as a carriage return and a line feed.
    text = shown.decode().replace("\r\n", "\n")
    assert f"\rscanning [{'#' * 20}] 1/1 {PLUGINS_FILE}" in text
    # The bar is erased, and the summary written over it.
    erased, summary = text.rsplit("\r", 1)
    assert erased.endswith("\r" + " " * 79) and summary == f"scuff: {len(PLUGINS_FILE_IDS)} plugins in 1 file\n"


def test_json_output_holds_the_plugins_and_the_broken_files(test_plugins):
    result = scuff_scan("--json", "--paths-only", test_plugins / PLUGINS_FILE, test_plugins / CRASH_ON_LOAD_FILE)
    assert result.returncode == 0
    document = json.loads(result.stdout)
    gain = next(p for p in document["plugins"] if p["id"] == GAIN_ID)
    assert gain == {
        "id": GAIN_ID, "name": "Test Gain", "vendor": "scuff", "version": "1.0.0", "format": "clap",
        "path": str(test_plugins / PLUGINS_FILE), "features": gain["features"], "has_gui": False,
        "description": gain["description"], "audio_inputs": [2], "audio_outputs": [2], "note_inputs": 0,
        "note_outputs": 0, "param_count": 1,
    }
    assert document["broken"] == [{"path": str(test_plugins / CRASH_ON_LOAD_FILE),
                                   "error": "the scanner was killed by SIGSEGV", "plugin_id": ""}]


def test_json_output_gives_null_for_what_a_moduleinfo_json_does_not_tell(tmp_path):
    (comp,) = scan_file(ZAM_VST3_DIR / "ZamComp.vst3").plugins
    path = bundle(tmp_path, module_info(audio_class(comp)), broken_library=True)
    document = json.loads(scuff_scan("--json", "--paths-only", path).stdout)
    assert document == {"broken": [], "plugins": [{
        "id": comp.id, "name": "ZamComp", "vendor": "Damien Zammit", "version": comp.version, "format": "vst3",
        "path": str(path), "features": list(comp.features), "has_gui": None, "description": "",
        "audio_inputs": None, "audio_outputs": None, "note_inputs": None, "note_outputs": None,
        "param_count": None,
    }]}
    plain = scuff_scan("--paths-only", path)
    assert plain.stdout.splitlines() == [f"{comp.id}\tZamComp\tDamien Zammit\tvst3\t{path}"]
    # --load loads the bundle, whose library is garbage.
    loaded = scuff_scan("--load", "--json", "--paths-only", path)
    assert json.loads(loaded.stdout)["plugins"] == []
    assert f"scuff: cannot use {path}: cannot load " in loaded.stderr


def test_a_scan_of_the_standard_folders_finds_the_zam_plugins(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path), "CLAP_PATH": "", "VST3_PATH": ""}
    result = subprocess.run([sys.executable, "-m", "scuff", "scan", "--json", "--no-cache", "--timeout", "20"],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0
    paths = {p["path"] for p in json.loads(result.stdout)["plugins"]}
    assert {str(p) for p in (*ZAM_CLAP_FILES, *ZAM_VST3_BUNDLES)} <= paths
