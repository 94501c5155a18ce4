"""A group built from a session file: everything is read and checked first, then built;
a failure on the way closes what was built, so the client is left as it was."""

from __future__ import annotations

import dataclasses
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..confine.limits import SandboxLimits
from ..errors import (
    LimitsError,
    MissingPluginError,
    PluginLoadError,
    ScuffError,
    SessionFormatError,
    SessionStateError,
    StateError,
)
from ..session import archive
from ..session.manifest import ConnectionEntry, DeviceEntry, Manifest
from .status import RestartPolicy
from .transport import _Values

if TYPE_CHECKING:
    from .client import Client
    from .device import Device
    from .group import Group
    from .sandbox import Sandbox

log = logging.getLogger("scuff")


@dataclass(frozen=True)
class MissingPlugin:
    """A device of a session that was left out because its plugin could not be loaded."""

    label: str
    plugin_id: str
    path: str
    error: str


def load_session(client: Client, path: str | os.PathLike[str], *, skip_missing: bool = False) -> Group:
    """A new group of `client` built from the session file at `path`."""
    source = str(path)
    manifest, states = archive.read(path)
    limits = [_sandbox_limits(entry.limits, source, index) for index, entry in enumerate(manifest.sandboxes)]
    policies = [RestartPolicy(**entry.restart_policy) if entry.restart_policy is not None else None  # type: ignore[arg-type]
                for entry in manifest.sandboxes]
    missing: list[MissingPlugin] = []
    for sandbox_entry in manifest.sandboxes:
        for device_entry in sandbox_entry.devices:
            if not Path(device_entry.path).exists():
                problem = MissingPlugin(device_entry.label, device_entry.plugin_id, device_entry.path,
                                        "no such plugin file")
                if not skip_missing:
                    raise MissingPluginError(_missing_message(source, problem))
                missing.append(problem)
    group = client.create_group(manifest.sample_rate, manifest.block_size, cycle_timeout=manifest.cycle_timeout,
                                unresponsive_after=manifest.unresponsive_after)
    try:
        _build(group, manifest, states, limits, policies, missing, source, skip_missing)
    except BaseException:
        group.close()
        raise
    for problem in missing:
        log.warning("%s", _missing_message(source, problem))
    group._missing_plugins = tuple(missing)
    return group


def _build(group: Group, manifest: Manifest, states: dict[str, bytes], limits: list[SandboxLimits],
           policies: list[RestartPolicy | None], missing: list[MissingPlugin], source: str,
           skip_missing: bool) -> None:
    absent = {(m.path, m.plugin_id) for m in missing}
    devices: dict[str, Device] = {}
    for entry, sandbox_limits, policy in zip(manifest.sandboxes, limits, policies, strict=True):
        sandbox = group.create_sandbox(restart_policy=policy, limits=sandbox_limits)
        for device_entry in entry.devices:
            if (device_entry.path, device_entry.plugin_id) in absent:
                continue
            device = _device(sandbox, device_entry, states[device_entry.key], source, skip_missing, missing)
            if device is not None:
                devices[device_entry.key] = device
    for connection in manifest.connections:
        _connect(group, devices, connection, source)
    group.offline = manifest.offline
    group.latency_compensation = manifest.latency_compensation
    transport = manifest.transport
    loop_start, loop_end = transport.loop if transport.loop else (0.0, 0.0)
    group.transport._write(_Values(transport.tempo, transport.beats, transport.seconds, transport.playing,
                                   transport.loop is not None, loop_start, loop_end, *transport.time_signature))


def _device(sandbox: Sandbox, entry: DeviceEntry, state: bytes, source: str, skip_missing: bool,
            missing: list[MissingPlugin]) -> Device | None:
    try:
        device = sandbox.create_device(entry.path, plugin_id=entry.plugin_id)
    except PluginLoadError as error:
        problem = MissingPlugin(entry.label, entry.plugin_id, entry.path, str(error))
        if not skip_missing:
            raise MissingPluginError(_missing_message(source, problem)) from None
        missing.append(problem)
        return None
    if device.format != entry.plugin_format:
        raise SessionFormatError(f"{source}: {entry.path} is a {device.format} plugin, the session says "
                                 f"{entry.plugin_format}")
    try:
        device.load(state)
    except StateError as error:
        raise SessionStateError(f"{source}: the plugin {entry.plugin_id} refused the state of device {entry.key} "
                                f"({entry.label}): {error}") from None
    device.set_param_values(entry.params)
    device._label = entry.label
    device._editor_size_hint = entry.editor_size
    return device


def _connect(group: Group, devices: dict[str, Device], entry: ConnectionEntry, source: str) -> None:
    if entry.source not in devices or entry.target not in devices:
        return  # a device left out because its plugin is missing
    start, end = devices[entry.source], devices[entry.target]
    try:
        if entry.notes:
            group.connect(start.note_output(entry.source_port), end.note_input(entry.target_port))  # type: ignore[arg-type]
        else:
            group.connect(start.output(entry.source_port), end.input(entry.target_port))
    except ScuffError as error:
        raise SessionFormatError(f"{source}: the connection from {entry.source} to {entry.target} cannot be "
                                 f"made: {error}") from None


def _sandbox_limits(fields: dict[str, object], source: str, index: int) -> SandboxLimits:
    # The fields of this version's SandboxLimits: a session from a newer one may name limits it cannot keep.
    known = {field.name for field in dataclasses.fields(SandboxLimits)}
    if not set(fields) <= known:
        raise SessionFormatError(f"{source}: sandbox {index} has unknown limits {sorted(set(fields) - known)}")
    try:
        return SandboxLimits(**fields)  # type: ignore[arg-type]
    except (LimitsError, TypeError) as error:
        raise SessionFormatError(f"{source}: the limits of sandbox {index} cannot be used: {error}") from None


def _missing_message(source: str, problem: MissingPlugin) -> str:
    return (f"{source}: the plugin of device {problem.label!r} ({problem.plugin_id}) cannot be loaded from "
            f"{problem.path}: {problem.error}; install it, or load the rest with skip_missing=True")
