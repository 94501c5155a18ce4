"""`.vstpreset` files: what pedalboard (JUCE's VST3 host) writes, scuff loads; what scuff
exports, pedalboard loads; with the same parameter values, for every zam VST3 plugin.
Damaged files are refused and leave the device as it was."""

from __future__ import annotations

import ctypes
import ctypes.util
import pathlib
import struct
from collections.abc import Iterator

import numpy as np
import pytest

import scuff
from scuff.presets import vstpreset
from support.zam import ZAM_VST3_BUNDLES
from support.zam_params import away_from_defaults, load_in_pedalboard, normalized

_libm = ctypes.CDLL(ctypes.util.find_library("m"))


@pytest.fixture(autouse=True)
def floating_point_environment_kept() -> Iterator[None]:
    """Plugins loaded in this process (by pedalboard) may leave flush-to-zero on for the
    thread; the tests after these must not inherit it."""
    saved = ctypes.create_string_buffer(64)  # fenv_t is 32 bytes on x86-64
    assert _libm.fegetenv(saved) == 0
    yield
    _libm.fesetenv(saved)


IDS = [bundle.stem for bundle in ZAM_VST3_BUNDLES]


def settable(device: scuff.Device) -> list[scuff.Param]:
    return [p for p in device.params if not (p.is_readonly or p.is_hidden) and p.max > p.min]


def one_block(device: scuff.Device) -> np.ndarray:
    """Silence for one block of the device's first port. DPF's plugins take parameter values
    only with a block of audio, and only then do they save them."""
    channels = device.inputs[0] if device.inputs else device.outputs[0]
    return np.zeros((channels, 512), np.float32)


def loads_in_pedalboard(bundle: pathlib.Path, preset: pathlib.Path) -> bool:
    try:
        load_in_pedalboard(bundle).load_preset(str(preset))  # type: ignore[attr-defined]
    except RuntimeError:
        return False
    return True


def pedalboard_values(plugin: object, params: list[scuff.Param]) -> dict[str, float]:
    """Each parameter's normalized value in pedalboard, by the plugin's own name for it."""
    return {p.name: plugin._get_parameter(p.name).raw_value for p in params}  # type: ignore[attr-defined]


@pytest.mark.parametrize("bundle", ZAM_VST3_BUNDLES, ids=IDS)
def test_a_vstpreset_written_by_pedalboard_loads_with_its_values(group, bundle, tmp_path):
    plugin = load_in_pedalboard(bundle)
    device = group.create_sandbox().create_device(bundle)
    params = settable(device)
    for param in params:
        # Stepped parameters take whole steps: one that rounds is not the plugin's value.
        steps = param.max - param.min
        plain = param.min + (max(1, round(0.3 * steps)) if param.is_stepped else 0.3 * steps)
        plugin._get_parameter(param.name).raw_value = normalized(param, plain)
    plugin(one_block(device), 48000)
    path = tmp_path / f"{bundle.stem}.vstpreset"
    path.write_bytes(plugin.preset_data)
    written = pedalboard_values(plugin, params)
    device.load_preset(path)
    loaded = {p.name: normalized(p, device.get_param(p)) for p in params}
    assert loaded == pytest.approx({name: written[name] for name in loaded}, abs=1e-5)


@pytest.mark.parametrize("bundle", ZAM_VST3_BUNDLES, ids=IDS)
def test_a_vstpreset_exported_by_scuff_loads_in_pedalboard_with_its_values(group, bundle, tmp_path):
    device = group.create_sandbox().create_device(bundle)
    values = away_from_defaults(device)
    device.sandbox.group.process({device: one_block(device)} if device.inputs else {}, device, frames=512)
    path = device.export_preset(tmp_path / f"{bundle.stem}.vstpreset")
    # pedalboard is the oracle, also for a preset it cannot load: ZamAutoSat, which has no
    # parameters, refuses the state it saved itself (DPF reads nothing back from it).
    own = tmp_path / "pedalboard.vstpreset"
    own.write_bytes(load_in_pedalboard(bundle).preset_data)
    if not loads_in_pedalboard(bundle, own):
        assert not settable(device)
        assert not loads_in_pedalboard(bundle, path)
        return
    plugin = load_in_pedalboard(bundle)
    plugin.load_preset(str(path))
    read = pedalboard_values(plugin, settable(device))
    expected = {p.name: normalized(p, values[p.id]) for p in settable(device)}
    assert {name: read[name] for name in expected} == pytest.approx(expected, abs=1e-5)


def test_an_exported_vstpreset_loads_back_into_another_device(group, tmp_path):
    sandbox = group.create_sandbox()
    comp = sandbox.create_device("/usr/lib/vst3/ZamComp.vst3")
    comp.set_param("Threshold", -33.0)
    group.process({comp: np.zeros((1, 512), np.float32)}, comp)
    comp.export_preset(tmp_path / "comp.vstpreset")
    other = sandbox.create_device("/usr/lib/vst3/ZamComp.vst3")
    other.load_preset(str(tmp_path / "comp.vstpreset"))
    assert other.get_param("Threshold") == pytest.approx(-33.0)


def broken_chunk_list(data: bytes) -> bytes:
    """The chunk list's first entry made to point past the end of the file."""
    (list_offset,) = struct.unpack_from("<q", data, 40)
    entry = bytearray(data)
    struct.pack_into("<q", entry, list_offset + 12, len(data) + 100)
    return bytes(entry)


def no_list(data: bytes) -> bytes:
    (list_offset,) = struct.unpack_from("<q", data, 40)
    return data[:list_offset] + b"Lost" + data[list_offset + 4:]


def offset_outside(data: bytes) -> bytes:
    return data[:40] + struct.pack("<q", 1 << 40) + data[48:]


def other_class(data: bytes) -> bytes:
    return data[:8] + b"0123456789ABCDEF0123456789ABCDEF" + data[40:]


@pytest.mark.parametrize(("damage", "error", "match"), [
    (other_class, scuff.PresetFormatError, "preset for the VST3 class 0123456789ABCDEF0123456789ABCDEF, not for"),
    (broken_chunk_list, scuff.PresetFormatError, "chunk b'Comp' .* lies outside the data"),
    (no_list, scuff.PresetFormatError, r"no chunk list \('List'\)"),
    (offset_outside, scuff.PresetFormatError, "chunk list offset .* lies outside the file"),
    (lambda data: data[:30], scuff.PresetFormatError, "too short for a .vstpreset header"),
    (lambda data: b"RIFF" + data[4:], scuff.PresetFormatError, "does not begin with 'VST3'"),
], ids=["wrong-class-id", "chunk-outside", "no-list", "list-offset-outside", "truncated-header", "not-vst3"])
def test_a_damaged_vstpreset_is_refused_and_changes_nothing(group, tmp_path, damage, error, match):
    comp = group.create_sandbox().create_device("/usr/lib/vst3/ZamComp.vst3")
    comp.set_param("Threshold", -20.0)
    group.process({comp: np.zeros((1, 512), np.float32)}, comp)
    path = comp.export_preset(tmp_path / "comp.vstpreset")
    comp.set_param("Threshold", -5.0)
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(error, match=match):
        comp.load_preset(path)
    assert comp.get_param("Threshold") == pytest.approx(-5.0)
    assert comp.sandbox.state == "running"


def test_clap_devices_keep_presets_of_their_own_but_write_no_vstpreset(group, tmp_path):
    comp = group.create_sandbox().create_device("/usr/lib/clap/ZamComp.clap")
    with pytest.raises(scuff.PresetError, match="CLAP plugin and .vstpreset files hold VST3 states"):
        comp.export_preset(tmp_path / "comp.vstpreset")
    assert not (tmp_path / "comp.vstpreset").exists()


@pytest.mark.pure
def test_the_layout_is_steinbergs_header_chunks_and_list():
    data = vstpreset.write(vstpreset.VstPreset("00112233445566778899aabbccddeeff", b"comp!", b"ctl"))
    assert data[:4] == b"VST3" and struct.unpack_from("<i", data, 4) == (1,)
    assert data[8:40] == b"00112233445566778899AABBCCDDEEFF"
    assert struct.unpack_from("<q", data, 40) == (48 + 8,)
    assert data[48:56] == b"comp!ctl"
    assert data[56:60] == b"List" and struct.unpack_from("<i", data, 60) == (2,)
    assert struct.unpack_from("<4sqq4sqq", data, 64) == (b"Comp", 48, 5, b"Cont", 53, 3)
    assert vstpreset.read(data) == vstpreset.VstPreset("00112233445566778899AABBCCDDEEFF", b"comp!", b"ctl")


@pytest.mark.pure
def test_a_chunk_listed_twice_is_refused():
    data = bytearray(vstpreset.write(vstpreset.VstPreset("00" * 16, b"a", b"b")))
    (list_offset,) = struct.unpack_from("<q", data, 40)
    second = list_offset + 8 + vstpreset.ENTRY.size
    data[second:second + 4] = b"Comp"
    with pytest.raises(scuff.PresetFormatError, match="listed twice"):
        vstpreset.read(bytes(data))


def test_a_missing_preset_file_is_named(group, tmp_path: pathlib.Path):
    comp = group.create_sandbox().create_device("/usr/lib/vst3/ZamComp.vst3")
    with pytest.raises(scuff.PresetError, match="no preset file .*gone.vstpreset"):
        comp.load_preset(tmp_path / "gone.vstpreset")
