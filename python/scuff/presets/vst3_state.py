"""The state blob of a VST3 device as the sandbox writes it (cpp/sandbox/vst3/state.hpp):
"SCUFFV3S", a uint32 version (2), the component's and the controller's bytes, each after
its uint64 length, then a uint64 count of (uint32 parameter id, float64 plain value), all
little-endian. A `.vstpreset` holds the two plugin parts; the values are the host's."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from ..errors import PresetFormatError

MAGIC = b"SCUFFV3S"
VERSION = 2
# As many values as the sandbox accepts in one state (kMaxValues).
_MAX_VALUES = 1 << 20


@dataclass(frozen=True)
class Vst3State:
    """A VST3 device's state, split into what its component and its controller saved."""

    component: bytes
    controller: bytes
    values: tuple[tuple[int, float], ...] = field(default=())


def is_vst3_state(data: bytes) -> bool:
    return data.startswith(MAGIC)


def decode(data: bytes) -> Vst3State:
    """The parts of a VST3 device state; PresetFormatError when it is not a whole one."""
    if not is_vst3_state(data):
        raise PresetFormatError("not the state of a VST3 device")
    position = len(MAGIC)

    def take(size: int) -> bytes:
        nonlocal position
        if size > len(data) - position:
            raise PresetFormatError("the VST3 device state is truncated")
        part = data[position:position + size]
        position += size
        return part

    (version,) = struct.unpack("<I", take(4))
    if version != VERSION:
        raise PresetFormatError(f"a VST3 device state of version {version}, not {VERSION}")
    component = take(struct.unpack("<Q", take(8))[0])
    controller = take(struct.unpack("<Q", take(8))[0])
    (count,) = struct.unpack("<Q", take(8))
    if count > _MAX_VALUES or count * 12 != len(data) - position:
        raise PresetFormatError("the VST3 device state has a damaged list of values")
    values = tuple(struct.unpack("<Id", take(12)) for _ in range(count))
    return Vst3State(component, controller, values)


def encode(state: Vst3State) -> bytes:
    """The blob a VST3 device loads (`Device.load`)."""
    parts = [MAGIC, struct.pack("<I", VERSION),
             struct.pack("<Q", len(state.component)), state.component,
             struct.pack("<Q", len(state.controller)), state.controller,
             struct.pack("<Q", len(state.values))]
    parts += [struct.pack("<Id", param, value) for param, value in state.values]
    return b"".join(parts)
