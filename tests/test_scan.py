"""client.scan(): every installed plugin, found out of process, one scanner per file."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import scuff
import scuff.scan.pool
from scuff.formats import standard_folders
from scuff.scan.plugin_files import find_plugin_files
from scuff.scan.scanner_process import FileScan, scan_file
from support.test_plugins import (
    CRASH_IN_INIT_ID,
    CRASH_ON_LOAD_FILE,
    EMPTY_FILE,
    FAULTS_FILE,
    FAULTS_FILE_IDS,
    GAIN_ID,
    HANG_IN_INIT_ID,
    HANG_ON_LOAD_FILE,
    PLUGINS_FILE,
    PLUGINS_FILE_IDS,
)
from support.zam import ZAM_CLAP_FILES, ZAM_VST3_BUNDLES

ZAM_NAMES = sorted(path.stem for path in ZAM_CLAP_FILES)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[list[scuff.PluginInfo], scuff.Client]]:
    """A scan of the standard folders only: no CLAP_PATH or VST3_PATH, an empty home; every
    scanner confined by the default limits."""
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        patch.delenv("CLAP_PATH", raising=False)
        patch.delenv("VST3_PATH", raising=False)
        with scuff.Client(cache_dir=tmp_path_factory.mktemp("cache")) as client:
            yield client.scan(), client


def zam(plugins: list[scuff.PluginInfo], fmt: str) -> dict[str, scuff.PluginInfo]:
    return {p.name: p for p in plugins if p.format == fmt and p.vendor == "Damien Zammit"}


def test_the_zam_plugins_are_all_found_in_both_formats(installed):
    plugins, client = installed
    assert client.default_limits == scuff.SandboxLimits()
    assert len(ZAM_CLAP_FILES) == 17 and len(ZAM_VST3_BUNDLES) == 17
    assert sorted(zam(plugins, "clap")) == ZAM_NAMES
    assert sorted(zam(plugins, "vst3")) == ZAM_NAMES
    zam_paths = {str(p) for p in (*ZAM_CLAP_FILES, *ZAM_VST3_BUNDLES)}
    assert not [b for b in client.broken_plugins if b.path in zam_paths]


def test_zam_clap_plugins_carry_their_descriptor(installed):
    for name, plugin in zam(installed[0], "clap").items():
        assert plugin.id == f"com.zamaudio.{name}"
        assert plugin.path == f"/usr/lib/clap/{name}.clap"
        assert "audio-effect" in plugin.features
        assert plugin.has_gui


# pedalboard's description of each VST3 plugin, read in a process of its own: loading a
# ZAM library changes the floating-point environment of the thread that loads it, which
# must not leak into other tests. pedalboard probes every parameter while loading to guess
# its range, which takes ZamVerb about a minute; nothing here needs it.
PEDALBOARD_DESCRIBES = """
import json, sys
import pedalboard
from pedalboard._pedalboard import _PythonExternalPluginMixin
_PythonExternalPluginMixin.__set_initial_parameter_values__ = lambda self, values: None
described = {}
for path in sys.argv[1:]:
    plugin = pedalboard.load_plugin(path)
    described[path] = [plugin.name, plugin.manufacturer_name, plugin.version, plugin.category]
print(json.dumps(described))
"""


def test_zam_vst3_plugins_match_what_pedalboard_reads_from_the_factory(installed):
    vst3 = zam(installed[0], "vst3")
    result = subprocess.run([sys.executable, "-c", PEDALBOARD_DESCRIBES, *(p.path for p in vst3.values())],
                            capture_output=True, text=True, timeout=300, check=True)
    described = json.loads(result.stdout.splitlines()[-1])
    for name, plugin in vst3.items():
        assert re.fullmatch(r"[0-9A-F]{32}", plugin.id), plugin.id
        assert plugin.path == f"/usr/lib/vst3/{name}.vst3"
        assert [plugin.name, plugin.vendor, plugin.version, "|".join(plugin.features)] == described[plugin.path]


def test_both_builds_of_each_zam_plugin_have_the_same_ports_and_parameters(installed):
    clap, vst3 = zam(installed[0], "clap"), zam(installed[0], "vst3")
    for name in ZAM_NAMES:
        a, b = clap[name], vst3[name]
        assert (a.audio_inputs, a.audio_outputs, a.note_inputs, a.note_outputs, a.param_count, a.has_gui) == (
            b.audio_inputs, b.audio_outputs, b.note_inputs, b.note_outputs, b.param_count, b.has_gui), name
    # Known layouts: a mono compressor with a sidechain, its stereo sibling, a stereo reverb.
    assert (clap["ZamComp"].audio_inputs, clap["ZamComp"].audio_outputs) == ((1, 1), (1,))
    assert (clap["ZamCompX2"].audio_inputs, clap["ZamCompX2"].audio_outputs) == ((2, 1), (2,))
    assert (vst3["ZamVerb"].audio_inputs, vst3["ZamVerb"].audio_outputs) == ((2,), (2,))
    assert clap["ZamComp"].param_count == 10 and clap["ZamAutoSat"].param_count == 0


def test_the_result_is_sorted_by_name_then_format(installed):
    plugins = installed[0]
    keys = [(p.name.casefold(), p.format) for p in plugins]
    assert keys == sorted(keys)


def test_scanned_plugins_are_never_loaded_in_the_client(tmp_path, test_plugins):
    with scuff.Client(cache_dir=tmp_path) as client:
        client.scan([test_plugins / PLUGINS_FILE], standard_folders=False, use_cache=False)
    maps = Path("/proc/self/maps").read_text()
    assert PLUGINS_FILE not in maps


def test_every_plugin_of_a_multi_plugin_file_is_found(tmp_path, test_plugins):
    with scuff.Client(cache_dir=tmp_path) as client:
        plugins = client.scan([test_plugins / PLUGINS_FILE], standard_folders=False)
        assert sorted(p.id for p in plugins) == sorted(PLUGINS_FILE_IDS)
        assert client.broken_plugins == []


def test_broken_files_are_reported_and_the_scan_goes_on(tmp_path, test_plugins):
    garbage = tmp_path / "x.clap"
    garbage.write_bytes(os.urandom(8192))
    paths = [test_plugins / name for name in (CRASH_ON_LOAD_FILE, HANG_ON_LOAD_FILE, PLUGINS_FILE, EMPTY_FILE)]
    with scuff.Client(cache_dir=tmp_path / "cache") as client:
        plugins = client.scan([garbage, *paths, tmp_path / "missing.clap"], standard_folders=False, timeout=2.0)
        broken = {Path(b.path).name: b.error for b in client.broken_plugins}
    assert sorted(p.id for p in plugins) == sorted(PLUGINS_FILE_IDS)
    assert broken == {
        "x.clap": broken["x.clap"],
        CRASH_ON_LOAD_FILE: "the scanner was killed by SIGSEGV",
        HANG_ON_LOAD_FILE: "the scanner did not finish within 2 s and was killed",
        EMPTY_FILE: "the file holds no plugins",
        "missing.clap": "the file cannot be read: No such file or directory",
    }
    assert broken["x.clap"].startswith(f"cannot load {garbage}: ") and "invalid ELF header" in broken["x.clap"]


def test_a_plugin_that_crashes_or_hangs_does_not_hide_the_others_of_its_file(tmp_path, test_plugins):
    with scuff.Client(cache_dir=tmp_path) as client:
        plugins = client.scan([test_plugins / FAULTS_FILE], standard_folders=False, timeout=2.0)
        broken = client.broken_plugins
    assert sorted(p.id for p in plugins) == sorted(set(FAULTS_FILE_IDS) - {CRASH_IN_INIT_ID, HANG_IN_INIT_ID})
    path = str(test_plugins / FAULTS_FILE)
    assert sorted(broken, key=lambda b: b.plugin_id) == [
        scuff.BrokenPlugin(path, "the scanner was killed by SIGSEGV", CRASH_IN_INIT_ID),
        scuff.BrokenPlugin(path, "the scanner did not finish within 2 s and was killed", HANG_IN_INIT_ID),
    ]


def test_a_device_is_created_from_a_scanned_id(tmp_path, test_plugins):
    with scuff.Client(cache_dir=tmp_path) as client:
        sandbox = client.create_group().create_sandbox()
        with pytest.raises(scuff.UnknownPluginError, match=rf"'{GAIN_ID}' is known yet: client.scan\(\)"):
            sandbox.create_device(GAIN_ID)
        client.scan([test_plugins / PLUGINS_FILE], standard_folders=False)
        device = sandbox.create_device(GAIN_ID)
        assert device.plugin_id == GAIN_ID and device.name == "Test Gain"
        with pytest.raises(scuff.UnknownPluginError,
                           match=r"no plugin with the id 'org.example.nothing'; a scan of the folder"):
            sandbox.create_device("org.example.nothing")


def test_a_vst3_device_is_created_from_a_scanned_id_or_plugin_info(installed):
    plugins, client = installed
    comp = zam(plugins, "vst3")["ZamComp"]
    sandbox = client.create_group().create_sandbox()
    for plugin in (comp.id, comp):
        device = sandbox.create_device(plugin)
        assert (device.plugin_id, device.name, device.path) == (comp.id, "ZamComp", comp.path)


def test_plugin_path_variables_and_the_users_folders_are_walked(tmp_path, monkeypatch, test_plugins):
    extra, home = tmp_path / "extra", tmp_path / "home"
    (extra / "vendor").mkdir(parents=True)
    (home / ".vst3").mkdir(parents=True)
    shutil.copyfile(test_plugins / PLUGINS_FILE, extra / "vendor" / PLUGINS_FILE)
    shutil.copytree(ZAM_VST3_BUNDLES[0], home / ".vst3" / ZAM_VST3_BUNDLES[0].name)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("CLAP_PATH", f"{tmp_path / 'nothing'}:{extra}")
    monkeypatch.delenv("VST3_PATH", raising=False)
    assert standard_folders()[:2] == [tmp_path / "nothing", extra]
    with scuff.Client(cache_dir=tmp_path / "cache") as client:
        found = {p.path for p in client.scan()}
    assert str(extra / "vendor" / PLUGINS_FILE) in found
    assert str(home / ".vst3" / ZAM_VST3_BUNDLES[0].name) in found
    assert "/usr/lib/clap/ZamComp.clap" in found


def test_an_id_found_twice_names_the_file_given_first(tmp_path, test_plugins):
    copy = tmp_path / "copy" / PLUGINS_FILE
    copy.parent.mkdir()
    shutil.copyfile(test_plugins / PLUGINS_FILE, copy)
    with scuff.Client(cache_dir=tmp_path / "cache") as client:
        plugins = client.scan([copy, test_plugins / PLUGINS_FILE], standard_folders=False)
        assert [p.path for p in plugins if p.id == GAIN_ID] == sorted([str(copy), str(test_plugins / PLUGINS_FILE)])
        assert client._known_plugins[GAIN_ID].path == str(copy)


def test_a_bundle_is_one_entry_and_links_do_not_repeat_files(tmp_path):
    vendor = tmp_path / "plugins" / "vendor"
    vendor.mkdir(parents=True)
    shutil.copytree(ZAM_VST3_BUNDLES[0], vendor / ZAM_VST3_BUNDLES[0].name)
    (vendor / "notes.txt").write_text("not a plugin")
    (tmp_path / "plugins" / "again").symlink_to(vendor)
    (tmp_path / "plugins" / "loop").symlink_to(tmp_path / "plugins")
    # "again" sorts before "vendor": the bundle is found through the link first, and once.
    found = list(find_plugin_files([tmp_path / "plugins"]))
    assert found == [tmp_path / "plugins" / "again" / ZAM_VST3_BUNDLES[0].name]


def test_leaving_a_scan_early_kills_the_scanners_still_running(tmp_path, test_plugins, monkeypatch):
    finished: list[FileScan] = []

    def recorded(*args, **kwargs) -> FileScan:
        finished.append(scan_file(*args, **kwargs))
        return finished[-1]

    monkeypatch.setattr(scuff.scan.pool, "scan_file", recorded)

    def interrupt(done: int, total: int, path: str) -> None:
        raise KeyboardInterrupt

    with scuff.Client(cache_dir=tmp_path) as client, pytest.raises(KeyboardInterrupt):
        # The good file is done first, while the hanging one, given up on only after
        # 10 minutes, runs beside it (with one CPU, it is never started).
        client.scan([test_plugins / PLUGINS_FILE, test_plugins / HANG_ON_LOAD_FILE], standard_folders=False,
                    timeout=600, progress=interrupt)
    hang = [scan.error for scan in finished if scan.path.endswith(HANG_ON_LOAD_FILE)]
    assert hang == (["the scanner was killed by SIGKILL"] if (os.cpu_count() or 1) > 1 else [])
