"""The inspector: runs one plugin in a sandbox of its own and reports what it does to a
test signal (its real latency and frequency response) and what it costs (process time,
CPU, memory, dropouts), with a health verdict. A plugin that crashes or hangs is reported,
not raised."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..errors import PluginLoadError, SandboxCrashedError, SandboxError, SandboxTimeoutError
from ..formats import plugin_format
from ..host.client import Client
from ..host.stats import DeviceStats, SandboxStats
from ..scan.lookup import PluginRef, find_plugin
from .measurements import Response, Timeline, latency_of, measure_response
from .report import Health, InspectionReport

# The measured latency may differ from the reported one by this many samples before the
# plugin is called a liar: a minimum-phase filter's response peaks a sample or two late.
LATENCY_TOLERANCE = 2
# The test signal's level: white noise, uniform in [-LEVEL, LEVEL] (about -17 dBFS RMS),
# loud enough for a gate to open, quiet enough for a limiter to stay nearly linear.
LEVEL = 0.25
# How often CPU and memory are sampled while the signal plays.
SAMPLE_EVERY = 0.05


def inspect(plugin: PluginRef, *, plugin_id: str | None = None, client: Client | None = None,
            sample_rate: float = 48000, block_size: int = 512, seconds: float = 2.0,
            cycle_timeout: float = 1.0, seed: int = 0,
            params: Mapping[int | str, float] | None = None) -> InspectionReport:
    """Inspects one plugin (a file path, a scanned id or name, or a PluginInfo) in a sandbox of
    its own: sets `params` (by name or id), renders `seconds` of white noise through it and
    measures. A plugin that crashes or hangs while loading or processing gives a report whose
    health says so. A cycle that waits `cycle_timeout` seconds for the sandbox counts as missed."""
    if client is None:
        with Client() as own:
            return inspect(plugin, plugin_id=plugin_id, client=own, sample_rate=sample_rate,
                           block_size=block_size, seconds=seconds, cycle_timeout=cycle_timeout, seed=seed,
                           params=params)
    found = find_plugin(client.scan, plugin)
    group = client.create_group(sample_rate=sample_rate, block_size=block_size, cycle_timeout=cycle_timeout)
    try:
        return _inspect_in(group, found, plugin_id, seconds, seed, dict(params or {}))
    finally:
        group.close()


def _inspect_in(group: Any, found: Any, plugin_id: str | None, seconds: float, seed: int,
                params: dict[int | str, float]) -> InspectionReport:
    sample_rate, block_size = group.sample_rate, group.block_size
    budget_us = block_size / sample_rate * 1e6
    name = getattr(found, "name", None) or str(found)
    identity: dict[str, str] = {"plugin": name, "plugin_id": getattr(found, "id", plugin_id or ""),
                "format": getattr(found, "format", None) or plugin_format(str(found)) or "unknown",
                "path": str(getattr(found, "path", found))}

    def failed(health: Health, problem: str, sandbox: Any = None, **more: Any) -> InspectionReport:
        return InspectionReport(
            identity["plugin"], identity["plugin_id"], identity["format"], identity["path"],
            sample_rate=sample_rate, block_size=block_size, health=health, problems=(problem,),
            reported_latency=more.get("reported"), measured_latency=None, process=more.get("process", DeviceStats()),
            sandbox=sandbox.stats if sandbox is not None else SandboxStats(), jitter_us=0.0,
            block_budget_us=budget_us, dropouts=sandbox.missed_cycles if sandbox is not None else 0,
            seconds=more.get("rendered", 0.0), timeline=more.get("timeline", Timeline()),
            refusals=tuple(sandbox.refusals) if sandbox is not None else ())

    sandbox = group.create_sandbox()
    try:
        device = sandbox.create_device(found, plugin_id=plugin_id)
        identity.update(plugin=device.name, plugin_id=device.plugin_id)
        for key, value in params.items():
            device.set_param(key, value)
    except SandboxCrashedError as error:
        return failed("crashed", f"crashed while loading: {error}", sandbox)
    except SandboxTimeoutError as error:
        return failed("unresponsive", f"hung while loading: {error}", sandbox)
    except SandboxError as error:
        raise PluginLoadError(str(error)) from error

    channels_in = device.inputs[0] if device.inputs else 0
    total = max(int(seconds * sample_rate), block_size)
    rng = np.random.default_rng(seed)
    signal = rng.uniform(-LEVEL, LEVEL, total).astype(np.float32)

    def inputs_for(start: int, stop: int) -> dict[Any, np.ndarray]:
        return {device.input(0): np.tile(signal[start:stop], (channels_in, 1))} if channels_in else {}

    # A plugin may settle (and change its latency) in its first blocks: warm it up on silence.
    warm = 4 * block_size
    try:
        group.render({device.input(0): np.zeros((channels_in, warm), np.float32)} if channels_in else {},
                     [], frames=warm)
    except SandboxError:
        early, problem = _failure(sandbox)
        return failed(early, f"{problem} in its first blocks: {sandbox.reason or 'missed its deadline'}",
                      sandbox, process=device.stats)
    reported = device.latency
    sandbox.reset_stats()

    chunk = max(block_size, int(SAMPLE_EVERY * sample_rate) // block_size * block_size)
    outputs = []
    timeline: list[tuple[float, float, int]] = []
    started = time.monotonic()
    last_cpu, last_time = sandbox.stats.cpu_time_s, started
    health: Health | None = None
    problems: list[str] = []
    stop = 0
    for start in range(0, total, chunk):
        stop = min(start + chunk, total)
        try:
            if device.outputs:
                outputs.append(group.render(inputs_for(start, stop), device.output(0), frames=stop - start)[0])
            else:
                group.render({}, [], frames=stop - start)
        except SandboxError:
            health, problem = _failure(sandbox)
            reason = sandbox.reason or "missed its deadline"
            problems.append(f"{problem} {stop / sample_rate:.2f} s into the signal: {reason}")
            break
        stats, now = sandbox.stats, time.monotonic()
        timeline.append((now - started, 100 * (stats.cpu_time_s - last_cpu) / max(now - last_time, 1e-9),
                         stats.memory_bytes))
        last_cpu, last_time = stats.cpu_time_s, now
    rendered = stop / sample_rate
    times = Timeline(tuple(t for t, _, _ in timeline), tuple(c for _, c, _ in timeline),
                     tuple(m for _, _, m in timeline))
    process = device.stats
    if health is not None:
        return failed(health, problems[0], sandbox, reported=reported, process=process,
                      rendered=rendered, timeline=times)

    measured, response = None, Response()
    if channels_in and outputs:
        output = np.concatenate(outputs)
        response = measure_response(signal, output, sample_rate)
        measured = latency_of(response.impulse)
    dropouts = sandbox.missed_cycles
    if dropouts:
        problems.append(f"missed {dropouts} audio cycles")
    if process.p99_us > budget_us:
        problems.append(f"p99 process time {process.p99_us:.0f} us exceeds the block budget {budget_us:.0f} us")
    lying = measured is not None and abs(measured - reported) > LATENCY_TOLERANCE
    if lying:
        problems.append(f"reports a latency of {reported} samples but delays by {measured}")
    if dropouts or process.p99_us > budget_us:
        health = "late"
    elif lying:
        health = "lying about latency"
    else:
        health = "ok"
    return InspectionReport(
        identity["plugin"], identity["plugin_id"], identity["format"], identity["path"], sample_rate=sample_rate,
        block_size=block_size, health=health, problems=tuple(problems),
        reported_latency=reported, measured_latency=measured, process=process, sandbox=sandbox.stats,
        jitter_us=max(0.0, process.p99_us - process.p50_us), block_budget_us=budget_us, dropouts=dropouts,
        seconds=rendered, response=response, timeline=times, refusals=tuple(sandbox.refusals))


def _failure(sandbox: Any) -> tuple[Health, str]:
    """What became of a sandbox that did not process every block: the client learns of a
    crash from the process's exit, a moment after the cycle that missed it."""
    deadline = time.monotonic() + 2.0
    while sandbox.state == "running" and time.monotonic() < deadline:
        time.sleep(0.02)
    if sandbox.state == "crashed":
        return "crashed", "crashed while processing,"
    return "unresponsive", "stopped answering"
