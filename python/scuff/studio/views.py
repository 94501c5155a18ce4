"""What the studio's page is sent: plain JSON descriptions of plugins, devices, sandboxes,
connections and their health. Everything read from a sandbox may fail (it may have died
meanwhile), so each reading that asks a sandbox is guarded and falls back to "unknown"."""

from __future__ import annotations

import math
from typing import Any

from ..errors import ScuffError
from ..host.device import Device
from ..host.graph import PlannedConnection
from ..host.group import Group
from ..host.sandbox import Sandbox
from ..scan.plugin_info import BrokenPlugin, PluginInfo

Json = dict[str, Any]


def plugin_view(info: PluginInfo) -> Json:
    return {"id": info.id, "name": info.name, "vendor": info.vendor, "version": info.version,
            "format": info.format, "path": info.path, "features": list(info.features),
            "has_gui": info.has_gui, "description": info.description}


def broken_plugin_view(broken: BrokenPlugin) -> Json:
    return {"path": broken.path, "plugin_id": broken.plugin_id, "error": broken.error}


def param_view(device: Device, param_id: int) -> Json | None:
    """A parameter with its current value and the plugin's own text for it; None for one
    the plugin hides."""
    param = device.param(param_id)
    if param.is_hidden:
        return None
    value, text = param.default, ""
    # A sandbox that is not running would make each text wait for its timeout.
    if device.sandbox.state == "running":
        try:
            value = device.get_param(param)
            text = device.param_text(param, value)
        except ScuffError:
            pass
    return {"id": param.id, "name": param.name, "module": param.module, "min": finite(param.min),
            "max": finite(param.max), "default": finite(param.default), "value": finite(value), "text": text,
            "stepped": param.is_stepped, "readonly": param.is_readonly}


def device_view(device: Device, sandbox_id: int) -> Json:
    params = [view for view in (param_view(device, param.id) for param in device.params) if view is not None]
    return {"id": device.id, "label": device.label, "name": device.name, "plugin_id": device.plugin_id,
            "format": device.format, "path": device.path, "sandbox": sandbox_id, "latency": device.latency,
            "inputs": device.inputs, "outputs": device.outputs, "note_inputs": device.note_inputs,
            "note_outputs": device.note_outputs, "has_editor": device.has_editor,
            "editor_visible": device.editor_visible, "params": params}


def connection_view(planned: PlannedConnection, block_size: int) -> Json:
    """A connection, with what the graph made of it: one block late when it crosses
    sandboxes, or when it closes a loop inside one (feedback)."""
    connection = planned.connection
    source, target = connection.source.device, connection.target.device
    same_sandbox = source.sandbox is target.sandbox
    return {"source": {"device": source.id, "index": connection.source.index},
            "target": {"device": target.id, "index": connection.target.index},
            "notes": connection.notes, "delayed": planned.delayed,
            "feedback": planned.delayed and same_sandbox, "crosses_sandboxes": not same_sandbox,
            "latency": (block_size if planned.delayed else 0) + planned.compensation}


def sandbox_view(sandbox: Sandbox, sandbox_id: int, state: str | None = None) -> Json:
    """A sandbox in `state` (by default its state now). The state is read before the pid:
    a restarted sandbox has its new process before it is running, so a view that says
    running never shows the old process's pid."""
    state = state if state is not None else sandbox.state
    return {"id": sandbox_id, "state": state, "pid": sandbox.pid, "reason": sandbox.reason,
            "devices": [device.id for device in sandbox.devices]}


def group_view(group: Group, sandbox_ids: dict[Sandbox, int]) -> Json:
    return {"sample_rate": group.sample_rate, "block_size": group.block_size,
            "sandboxes": [sandbox_view(sandbox, sandbox_ids[sandbox]) for sandbox in group.sandboxes],
            "devices": [device_view(device, sandbox_ids[sandbox])
                        for sandbox in group.sandboxes for device in sandbox.devices],
            "connections": [connection_view(planned, group.block_size) for planned in group.planned_connections]}


def sandbox_health(sandbox: Sandbox, sandbox_id: int, block_budget_us: float) -> Json:
    """State, CPU, memory, missed cycles, restarts and confinement of a sandbox, and each
    device's process time against its blocks' budget (their mean length in time; before any
    block, the group's block size)."""
    state = sandbox.state  # before the pid: see sandbox_view
    stats = sandbox.stats
    confinement = sandbox.confinement
    devices = {}
    for device in sandbox.devices:
        device_stats = device.stats
        # Live, a block is the server's period, which may be shorter than the group's.
        budget_us = (device_stats.frames / device_stats.blocks / sandbox.group.sample_rate * 1e6
                     if device_stats.blocks else block_budget_us)
        devices[str(device.id)] = {
            "blocks": device_stats.blocks, "p50_us": finite(device_stats.p50_us),
            "p99_us": finite(device_stats.p99_us), "max_us": finite(device_stats.max_us),
            "budget_us": budget_us, "p99_share": finite(device_stats.p99_block_share)}
    return {"id": sandbox_id, "state": state, "pid": sandbox.pid, "reason": sandbox.reason,
            "cpu_percent": finite(stats.cpu_percent), "memory_bytes": stats.memory_bytes,
            "peak_memory_bytes": stats.peak_memory_bytes, "missed_cycles": stats.missed_cycles,
            "restarts": stats.restarts, "confined": confinement.confined,
            "confinement": [{"what": item.what, "enforced": item.enforced, "how": item.how}
                            for item in confinement.items],
            "refusals": len(sandbox.refusals), "devices": devices}


def finite(value: float) -> float | None:
    """JSON has no infinities or NaN: a plugin may report them anyway."""
    return value if math.isfinite(value) else None
