"""A group written as a session file (docs/sessions.md)."""

from __future__ import annotations

import dataclasses
import os
from importlib.metadata import version
from typing import TYPE_CHECKING, Any

from ..errors import SessionError
from ..session import archive
from ..session.manifest import ConnectionEntry, DeviceEntry, Manifest, SandboxEntry, TransportEntry

if TYPE_CHECKING:
    from ..confine.limits import SandboxLimits
    from .device import Device
    from .group import Group
    from .status import RestartPolicy


def save_session(group: Group, path: str | os.PathLike[str]) -> None:
    """Writes everything `group` is made of to `path`. Every sandbox must be running: the
    states are read from the plugins."""
    for sandbox in group.sandboxes:
        if sandbox.state != "running":
            raise SessionError(f"sandbox {sandbox.pid} is {sandbox.state}; restart() it before saving the session")
    keys: dict[Device, str] = {}
    states: dict[str, bytes] = {}
    sandboxes = []
    for sandbox in group.sandboxes:
        entries = []
        for device in sorted(sandbox.devices, key=lambda d: d.id):
            key = keys[device] = f"d{len(keys) + 1}"
            state = device.save()
            states[archive.state_name(key)] = state
            entries.append(DeviceEntry(
                key=key, path=device.path, plugin_id=device.plugin_id, plugin_format=device.format,
                name=device.name, label=device.label, state_sha256=archive.digest(state),
                params=device.param_values(), editor_size=device.editor_size or device._editor_size_hint))
        sandboxes.append(SandboxEntry(_limits(sandbox.limits), _policy(sandbox.restart_policy), tuple(entries)))
    connections = tuple(
        ConnectionEntry(keys[c.source.device], c.source.index, keys[c.target.device], c.target.index, c.notes)
        for c in group.connections)
    values = group.transport._read()
    transport = TransportEntry(
        tempo=values.tempo, beats=values.beats, seconds=values.seconds, playing=values.playing,
        loop=(values.loop_start, values.loop_end) if values.loop else None,
        time_signature=(values.numerator, values.denominator))
    manifest = Manifest(
        sample_rate=group.sample_rate, block_size=group.block_size, cycle_timeout=group.cycle_timeout,
        unresponsive_after=group.unresponsive_after, offline=group.offline,
        latency_compensation=group.latency_compensation, transport=transport,
        sandboxes=tuple(sandboxes), connections=connections, scuff_version=version("scuff"))
    try:
        archive.write(path, manifest, states)
    except OSError as error:
        raise SessionError(f"cannot write the session to {path}: {error.strerror or error}") from None


def _limits(limits: SandboxLimits) -> dict[str, Any]:
    fields = dataclasses.asdict(limits)
    fields["allowed_paths"] = [str(p) for p in limits.allowed_paths]
    fields["writable_paths"] = [str(p) for p in limits.writable_paths]
    return fields


def _policy(policy: RestartPolicy | None) -> dict[str, float] | None:
    return None if policy is None else dict(dataclasses.asdict(policy))
