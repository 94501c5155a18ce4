"""Where the rack's sound and notes enter and where its sound leaves, when the user does not
say: the first device with audio inputs that nothing feeds, the first with note inputs that
no note connection feeds, and the last device with audio outputs that feeds nothing (in the
order devices were made)."""

from __future__ import annotations

from ..host.device import Device
from ..host.group import Group


def devices_of(group: Group) -> list[Device]:
    return sorted((device for sandbox in group.sandboxes for device in sandbox.devices), key=lambda d: d.id)


def default_source(group: Group) -> Device | None:
    fed = {c.target.device for c in group.connections if not c.notes}
    return next((device for device in devices_of(group) if device.inputs and device not in fed), None)


def default_sink(group: Group) -> Device | None:
    feeding = {c.source.device for c in group.connections if not c.notes}
    return next((device for device in reversed(devices_of(group)) if device.outputs and device not in feeding), None)


def default_note_target(group: Group) -> Device | None:
    fed = {c.target.device for c in group.connections if c.notes}
    return next((device for device in devices_of(group) if device.note_inputs and device not in fed), None)
