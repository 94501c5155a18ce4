"""A device's ports, as the keys of `Group.render`, `process` and `connect`. Each points
back to its device."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .device import Device


@dataclass(frozen=True)
class InputPort:
    """An audio input port of a device, as a key for `Group.render` and `connect`."""

    device: Device
    index: int

    @property
    def channels(self) -> int:
        return self.device.inputs[self.index]


@dataclass(frozen=True)
class OutputPort:
    """An audio output port of a device."""

    device: Device
    index: int

    @property
    def channels(self) -> int:
        return self.device.outputs[self.index]


@dataclass(frozen=True)
class NoteInputPort:
    """A note input of a device (a CLAP note port, a VST3 event bus), as a key for the
    `events` of `Group.render` and for `connect`."""

    device: Device
    index: int


@dataclass(frozen=True)
class NoteOutputPort:
    """A note output of a device."""

    device: Device
    index: int
