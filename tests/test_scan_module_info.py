"""A VST3 bundle's moduleinfo.json: the scan lists its plugins from that file without
loading the module, and falls back to the scanner when the file cannot be used."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import json5
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scuff
from scuff.scan.cache import CACHE_FILE_NAME, file_stamp
from scuff.scan.module_info import MAX_BYTES, ModuleInfoError, plugins_from_module_info
from scuff.scan.scanner_process import scan_file
from support.scanner_runs import ScannerRuns
from support.vst3_bundles import (
    MODULE_INFO,
    audio_class,
    bundle,
    controller_class,
    json5_text,
    module_info,
    unknown,
)
from support.zam import ZAM_VST3_DIR

# Edit controllers' class ids: classes of the module, not plugins.
COMP_CONTROLLER = "2046504473616C63434D435A00000000"
EQ_CONTROLLER = "2046504473616C634351455A00000000"


@pytest.fixture(scope="module")
def loaded() -> dict[str, scuff.PluginInfo]:
    """What the scanner reads from the installed ZamComp and ZamEQ2 bundles, by name."""
    plugins = {}
    for name in ("ZamComp", "ZamEQ2"):
        (plugins[name],) = scan_file(ZAM_VST3_DIR / f"{name}.vst3").plugins
    return plugins


def scan(cache: Path, *paths: Path, **options: Any) -> tuple[list[scuff.PluginInfo], list[scuff.BrokenPlugin]]:
    with scuff.Client(cache_dir=cache) as client:
        return client.scan(paths, standard_folders=False, **options), client.broken_plugins


def test_a_bundle_is_listed_from_its_moduleinfo_without_running_the_scanner(tmp_path, monkeypatch, loaded):
    comp = loaded["ZamComp"]
    path = bundle(tmp_path, module_info(audio_class(comp), controller_class("ZamComp", COMP_CONTROLLER)),
                  broken_library=True)
    runs = ScannerRuns(monkeypatch)
    plugins, broken = scan(tmp_path / "cache", path)
    assert runs.paths == []
    # The scanner's id; the library, which no scanner could load, was never read.
    assert plugins == [unknown(comp, path)] and broken == []


def test_the_same_bundle_without_moduleinfo_is_broken(tmp_path):
    path = bundle(tmp_path, None, broken_library=True)
    plugins, broken = scan(tmp_path / "cache", path)
    assert plugins == []
    assert [b.path for b in broken] == [str(path)] and broken[0].error.startswith("cannot load ")


def test_every_audio_class_is_a_plugin_and_other_classes_are_not(tmp_path, monkeypatch, loaded):
    comp, eq = loaded["ZamComp"], loaded["ZamEQ2"]
    text = module_info(controller_class("ZamComp", COMP_CONTROLLER), audio_class(comp),
                       audio_class(eq, Vendor=""), controller_class("ZamEQ2", EQ_CONTROLLER))
    path = bundle(tmp_path, text, broken_library=True)
    runs = ScannerRuns(monkeypatch)
    plugins, broken = scan(tmp_path / "cache", path)
    assert runs.paths == [] and broken == []
    # A class without a vendor has the factory's.
    assert plugins == [unknown(comp, path), unknown(eq, path)]


def test_comments_trailing_commas_and_a_sub_categories_string_are_accepted(tmp_path, monkeypatch, loaded):
    comp = loaded["ZamComp"]
    text = f"""// written by hand
    {{
      /* the factory */ "Factory Info": {{ "Vendor": "Damien Zammit", }},
      "Classes": [
        {{ "CID": "{comp.id.lower()}", "Category": "Audio Module Class", "Name": "ZamComp",
           "Vendor": "Damien Zammit", "Version": "4.1.0", "Sub Categories": "Fx|Dynamics||Mono", }},
      ],
    }}
    """
    path = bundle(tmp_path, text, broken_library=True)
    runs = ScannerRuns(monkeypatch)
    plugins, _ = scan(tmp_path / "cache", path)
    assert runs.paths == []
    assert plugins == [unknown(comp, path)] and plugins[0].features == ("Fx", "Dynamics", "Mono")


def test_moduleinfo_in_contents_where_sdk_3_7_5_put_it_is_read(tmp_path, monkeypatch, loaded):
    comp = loaded["ZamComp"]
    path = bundle(tmp_path, module_info(audio_class(comp)), broken_library=True, location="Contents/moduleinfo.json")
    runs = ScannerRuns(monkeypatch)
    assert scan(tmp_path / "cache", path) == ([unknown(comp, path)], [])
    assert runs.paths == []


def edit(change: Callable[[dict[str, Any]], object]) -> Callable[[str], str]:
    """A damage done to the parsed document, written back as moduleinfotool would."""

    def damage(text: str) -> str:
        document = json5.loads(text)
        change(document)
        return json5_text(document)

    return damage


def first_class(**changes: object) -> Callable[[str], str]:
    return edit(lambda document: document["Classes"][0].update(changes))


UNUSABLE: dict[str, tuple[Callable[[str], str | bytes], str]] = {
    "not JSON5": (lambda text: text[: len(text) // 2], "it is not JSON5"),
    "an array": (lambda text: "[1, 2, 3]", "the document is not an object"),
    "no classes": (edit(lambda document: document.pop("Classes")), 'the document has no "Classes"'),
    "classes not an array": (edit(lambda document: document.update(Classes={"CID": 1})),
                             '"Classes" of the document is not an array'),
    "no factory vendor": (edit(lambda document: document["Factory Info"].pop("Vendor")),
                          '"Factory Info" has no "Vendor"'),
    "a CID not hex": (first_class(CID="Z" * 32), "class 0: the CID 'ZZZZ"),
    "a short CID": (first_class(CID="2046504473616C63504D435A"), "is not 32 hex digits"),
    "a name not a string": (first_class(Name=42), '"Name" of class 0 is not a string'),
    "sub categories not strings": (first_class(**{"Sub Categories": [1, 2]}),
                                   '"Sub Categories" of class 0 is not an array of strings'),
    "no audio class": (first_class(Category="Component Controller Class"), 'no class is an "Audio Module Class"'),
    "one class twice": (edit(lambda document: document["Classes"].append(document["Classes"][0])),
                        "two audio classes have the same CID"),
    "a key twice": (lambda text: text.replace('"Name"', '"Name": "Again", "Name"', 1), 'Duplicate key "Name"'),
    "deeply nested": (lambda text: "[" * 100_000, "it is not JSON5"),
    "too large": (lambda text: text + "//" + "x" * MAX_BYTES, f"it is larger than {MAX_BYTES} bytes"),
    "not UTF-8": (lambda text: text.encode("utf-16"), "it is not UTF-8 text"),
}


@pytest.mark.parametrize(("damage", "reason"), UNUSABLE.values(), ids=UNUSABLE.keys())
def test_an_unusable_moduleinfo_falls_back_to_the_scanner(tmp_path, monkeypatch, caplog, loaded, damage, reason):
    comp = loaded["ZamComp"]
    text = module_info(audio_class(comp, Name="Listed Name"))
    damaged = damage(text)
    assert damaged != text
    path = bundle(tmp_path, damaged)
    runs = ScannerRuns(monkeypatch)
    with caplog.at_level(logging.DEBUG, logger="scuff.scan"):
        plugins, broken = scan(tmp_path / "cache", path)
    assert runs.paths == [str(path)]
    # Everything from the loaded module, nothing from the file.
    assert plugins == [dataclasses.replace(comp, path=str(path))] and broken == []
    (message,) = [record.getMessage() for record in caplog.records if record.name == "scuff.scan"]
    assert message.startswith(f"{path / MODULE_INFO} is not used, the bundle is loaded instead: ")
    assert reason in message


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40)
    | st.sampled_from(["Audio Module Class", "2046504473616C63504D435A00000000", "Fx|Dynamics"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["Factory Info", "Classes", "CID", "Category", "Name", "Vendor", "Version",
                         "Sub Categories", "Other"]), inner, max_size=6),
    max_leaves=30)


@pytest.mark.pure
@settings(max_examples=200, deadline=None)
@given(document=JSON_VALUES)
def test_any_document_gives_plugins_or_a_reason_and_nothing_else(document):
    try:
        plugins = plugins_from_module_info(json.dumps(document), "/x.vst3")
    except ModuleInfoError as error:
        assert str(error)
    else:
        assert plugins and all(len(plugin.id) == 32 and plugin.param_count is None for plugin in plugins)


@pytest.mark.pure
@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from('{}[]",:/*\n 0x1eE+-.tfnaulrAC'), max_size=80))
def test_random_text_is_refused_with_a_reason_and_nothing_else(text):
    with pytest.raises(ModuleInfoError, match=".+"):
        plugins_from_module_info(text, "/x.vst3")


def test_a_bundle_without_moduleinfo_is_scanned_as_before(tmp_path, monkeypatch, loaded):
    path = bundle(tmp_path, None)
    runs = ScannerRuns(monkeypatch)
    assert scan(tmp_path / "cache", path) == ([dataclasses.replace(loaded["ZamComp"], path=str(path))], [])
    assert runs.paths == [str(path)]


def test_a_rescan_takes_the_moduleinfo_scan_from_the_cache_until_the_file_changes(tmp_path, monkeypatch, loaded):
    comp = loaded["ZamComp"]
    path = bundle(tmp_path, module_info(audio_class(comp)), broken_library=True)
    first = scan(tmp_path / "cache", path)
    cached = json.loads((tmp_path / "cache" / CACHE_FILE_NAME).read_text())["files"][str(path)]
    assert cached["from_module_info"] is True and cached["plugins"][0]["param_count"] is None
    runs = ScannerRuns(monkeypatch)
    assert scan(tmp_path / "cache", path) == first

    info = path / MODULE_INFO
    stamp = file_stamp(path)
    info.write_text(module_info(audio_class(comp, Name="ZamComp Renamed")))
    os.utime(info, ns=(info.stat().st_atime_ns, info.stat().st_mtime_ns + 1_000_000_000))
    assert file_stamp(path) != stamp
    assert [plugin.name for plugin in scan(tmp_path / "cache", path)[0]] == ["ZamComp Renamed"]
    assert runs.paths == []


def test_without_the_cache_moduleinfo_is_still_read_and_not_the_module(tmp_path, monkeypatch, loaded):
    comp = loaded["ZamComp"]
    path = bundle(tmp_path, module_info(audio_class(comp)), broken_library=True)
    runs = ScannerRuns(monkeypatch)
    assert scan(tmp_path / "cache", path, use_cache=False) == ([unknown(comp, path)], [])
    assert runs.paths == []


def test_load_modules_loads_the_bundle_anyway_and_later_scans_keep_what_it_found(tmp_path, monkeypatch, loaded):
    comp = loaded["ZamComp"]
    path = bundle(tmp_path, module_info(audio_class(comp, Name="Listed Name")))
    assert [plugin.name for plugin in scan(tmp_path / "cache", path)[0]] == ["Listed Name"]
    runs = ScannerRuns(monkeypatch)
    # The cached scan from moduleinfo.json is not a loaded one, so it is not reused.
    assert scan(tmp_path / "cache", path, load_modules=True) == ([dataclasses.replace(comp, path=str(path))], [])
    assert runs.paths == [str(path)]
    # The bundle did not change: what loading it found stays, richer than the file.
    assert scan(tmp_path / "cache", path)[0] == [dataclasses.replace(comp, path=str(path))]
    assert runs.paths == [str(path)]
