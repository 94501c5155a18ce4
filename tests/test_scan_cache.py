"""The scan cache: a rescan runs the scanner only on files that changed, and a damaged
cache file costs a rescan, never an error."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

import scuff
import scuff.scan.pool
from scuff.scan.cache import CACHE_FILE_NAME, ScanCache, default_cache_dir, file_stamp
from scuff.scan.scanner_process import scan_file
from support.scanner_runs import ScannerRuns
from support.test_plugins import CRASH_ON_LOAD_FILE, EMPTY_FILE, PLUGINS_FILE, PLUGINS_FILE_IDS
from support.zam import ZAM_VST3_DIR


@pytest.fixture
def plugin_folder(tmp_path: Path, test_plugins: Path) -> Path:
    """A folder of its own: two CLAP files, a VST3 bundle and a file that crashes the scanner."""
    folder = tmp_path / "plugins"
    folder.mkdir()
    for name in (PLUGINS_FILE, CRASH_ON_LOAD_FILE, EMPTY_FILE):
        shutil.copyfile(test_plugins / name, folder / name)
    shutil.copytree(ZAM_VST3_DIR / "ZamComp.vst3", folder / "ZamComp.vst3")
    return folder


def scan(cache_dir: Path, folder: Path, **options) -> tuple[list[scuff.PluginInfo], list[scuff.BrokenPlugin]]:
    with scuff.Client(cache_dir=cache_dir) as client:
        return client.scan([folder], standard_folders=False, **options), client.broken_plugins


def test_a_cached_rescan_runs_no_scanner_and_finds_the_same(tmp_path, plugin_folder, monkeypatch):
    first = scan(tmp_path / "cache", plugin_folder)
    runs = ScannerRuns(monkeypatch)
    assert scan(tmp_path / "cache", plugin_folder) == first
    assert runs.paths == []
    assert len(first[0]) == len(PLUGINS_FILE_IDS) + 1 and len(first[1]) == 2  # the CLAP file's plugins and ZamComp


def test_a_touched_file_is_scanned_again_and_only_it(tmp_path, plugin_folder, monkeypatch):
    first = scan(tmp_path / "cache", plugin_folder)
    runs = ScannerRuns(monkeypatch)
    touched = plugin_folder / PLUGINS_FILE
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 1_000_000_000))
    assert scan(tmp_path / "cache", plugin_folder) == first
    assert runs.paths == [str(touched)]


def test_touching_the_library_inside_a_bundle_scans_the_bundle_again(tmp_path, plugin_folder, monkeypatch):
    scan(tmp_path / "cache", plugin_folder)
    runs = ScannerRuns(monkeypatch)
    (library,) = (plugin_folder / "ZamComp.vst3" / "Contents").glob("*-linux/ZamComp.so")
    # The copy kept the packaged library's time, older than its folders': still noticed.
    os.utime(library, ns=(library.stat().st_atime_ns, library.stat().st_mtime_ns + 1_000_000_000))
    scan(tmp_path / "cache", plugin_folder)
    assert runs.paths == [str(plugin_folder / "ZamComp.vst3")]


def test_a_new_file_is_scanned_and_a_removed_one_forgotten(tmp_path, plugin_folder, monkeypatch, test_plugins):
    scan(tmp_path / "cache", plugin_folder)
    (plugin_folder / EMPTY_FILE).unlink()
    shutil.copyfile(test_plugins / PLUGINS_FILE, plugin_folder / "again.clap")
    runs = ScannerRuns(monkeypatch)
    plugins, broken = scan(tmp_path / "cache", plugin_folder)
    assert runs.paths == [str(plugin_folder / "again.clap")]
    assert str(plugin_folder / EMPTY_FILE) not in {b.path for b in broken}
    cached = json.loads((tmp_path / "cache" / CACHE_FILE_NAME).read_text())["files"]
    assert str(plugin_folder / EMPTY_FILE) not in cached and str(plugin_folder / "again.clap") in cached


def test_without_the_cache_every_file_is_scanned_again(tmp_path, plugin_folder, monkeypatch):
    first = scan(tmp_path / "cache", plugin_folder)
    runs = ScannerRuns(monkeypatch)
    assert scan(tmp_path / "cache", plugin_folder, use_cache=False) == first
    # The file that crashes the scanner is run twice: whole, then to list its plugins.
    assert sorted(set(runs.paths)) == sorted(str(p) for p in plugin_folder.iterdir())


DAMAGES = {
    "cut short": lambda text: text[: len(text) // 2],
    "empty": lambda text: "",
    "not text": lambda text: "\x00\xff garbage",
    "not an object": lambda text: json.dumps([1, 2, 3]),
    "a wrong type": lambda text: text.replace('"param_count": 1', '"param_count": "one"'),
    "a wrong stamp": lambda text: text.replace('"stamp": [', '"stamp": ["x", '),
}


@pytest.mark.parametrize("damage", DAMAGES.values(), ids=DAMAGES.keys())
def test_a_damaged_cache_file_costs_a_rescan_and_is_rewritten(tmp_path, plugin_folder, monkeypatch, damage):
    first = scan(tmp_path / "cache", plugin_folder)
    cache_file = tmp_path / "cache" / CACHE_FILE_NAME
    text = cache_file.read_text()
    assert damage(text) != text
    cache_file.write_text(damage(text))
    runs = ScannerRuns(monkeypatch)
    assert scan(tmp_path / "cache", plugin_folder) == first
    assert runs.paths
    assert len(json.loads(cache_file.read_text())["files"]) == 4


def test_a_crash_while_writing_leaves_the_previous_cache(tmp_path, plugin_folder, monkeypatch):
    first = scan(tmp_path / "cache", plugin_folder)
    cache_file = tmp_path / "cache" / CACHE_FILE_NAME
    before = cache_file.read_bytes()

    def dump_half_then_die(document, file):
        file.write(json.dumps(document)[:100])
        raise KeyboardInterrupt

    monkeypatch.setattr(json, "dump", dump_half_then_die)
    with pytest.raises(KeyboardInterrupt):
        scan(tmp_path / "cache", plugin_folder, use_cache=False)
    monkeypatch.undo()
    assert cache_file.read_bytes() == before
    assert os.listdir(tmp_path / "cache") == [CACHE_FILE_NAME]
    runs = ScannerRuns(monkeypatch)
    assert scan(tmp_path / "cache", plugin_folder) == first
    assert runs.paths == []


def test_a_cache_folder_that_cannot_be_made_only_costs_the_cache(tmp_path, plugin_folder):
    in_the_way = tmp_path / "a file"
    in_the_way.write_text("")
    first = scan(in_the_way / "cache", plugin_folder)
    assert first == scan(tmp_path / "cache", plugin_folder) and len(first[0]) == len(PLUGINS_FILE_IDS) + 1


def test_entries_from_another_scanner_build_are_not_used(tmp_path, plugin_folder):
    path = str(plugin_folder / PLUGINS_FILE)
    cache = ScanCache(tmp_path, (1, 2))
    cache.put(scan_file(path), file_stamp(path))
    cache.save()
    assert ScanCache(tmp_path, (1, 2)).get(path, file_stamp(path)) is not None
    assert ScanCache(tmp_path, (1, 3)).get(path, file_stamp(path)) is None


def test_the_cache_lives_in_the_users_cache_folder():
    assert default_cache_dir({"HOME": "/home/u"}) == Path("~/.cache/scuff").expanduser()
    assert default_cache_dir({"XDG_CACHE_HOME": "/var/cache/u"}) == Path("/var/cache/u/scuff")
    # A relative XDG_CACHE_HOME is invalid and ignored.
    assert default_cache_dir({"XDG_CACHE_HOME": "cache"}) == Path("~/.cache/scuff").expanduser()
    assert default_cache_dir({"SCUFF_CACHE_DIR": "/tmp/c", "XDG_CACHE_HOME": "/x"}) == Path("/tmp/c")


def test_a_client_without_a_cache_folder_uses_scuff_cache_dir(tmp_path, monkeypatch, plugin_folder):
    monkeypatch.setenv("SCUFF_CACHE_DIR", str(tmp_path / "from-env"))
    with scuff.Client() as client:
        client.scan([plugin_folder / PLUGINS_FILE], standard_folders=False)
    assert (tmp_path / "from-env" / CACHE_FILE_NAME).is_file()
