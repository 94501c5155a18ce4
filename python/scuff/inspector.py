"""The inspector: runs one plugin in a sandbox of its own and reports what it does to a
test signal (its real latency and frequency response) and what it costs (process time,
CPU, memory, dropouts), with a health verdict. A plugin that crashes or hangs is reported,
not raised."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np

from .client import Client
from .errors import PluginLoadError, SandboxCrashedError, SandboxError, SandboxTimeoutError
from .plugin_lookup import PluginRef, find_plugin
from .stats import DeviceStats, SandboxStats

Health = Literal["ok", "late", "unresponsive", "crashed", "lying about latency"]

# The measured latency may differ from the reported one by this many samples before the
# plugin is called a liar: a minimum-phase filter's response peaks a sample or two late.
LATENCY_TOLERANCE = 2
# The test signal's level: white noise, uniform in [-LEVEL, LEVEL] (about -17 dBFS RMS),
# loud enough for a gate to open, quiet enough for a limiter to stay nearly linear.
LEVEL = 0.25
# How often CPU and memory are sampled while the signal plays.
SAMPLE_EVERY = 0.05


@dataclass(frozen=True)
class Response:
    """What the plugin did to the test signal, from its first input channel to its first
    output channel: an impulse response and a frequency response (magnitude in dB, phase in
    radians with the measured latency taken out, so that a pure delay reads flat)."""

    impulse: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    frequencies_hz: np.ndarray = field(default_factory=lambda: np.zeros(0))
    magnitude_db: np.ndarray = field(default_factory=lambda: np.zeros(0))
    phase_rad: np.ndarray = field(default_factory=lambda: np.zeros(0))


@dataclass(frozen=True)
class Timeline:
    """CPU share (percent of one core) and resident memory of the sandbox while the signal played."""

    seconds: tuple[float, ...] = ()
    cpu_percent: tuple[float, ...] = ()
    memory_bytes: tuple[int, ...] = ()


@dataclass(frozen=True)
class InspectionReport:
    """What `scuff.inspect` found. Latencies are in samples and in microseconds at the
    inspection's sample rate; `measured_latency` is None when the plugin has no audio input or
    gave silence. `problems` lists every finding in words; `health` is the worst of them."""

    plugin: str
    plugin_id: str
    format: str
    path: str
    sample_rate: float
    block_size: int
    health: Health
    problems: tuple[str, ...]
    reported_latency: int | None
    measured_latency: int | None
    process: DeviceStats
    sandbox: SandboxStats
    jitter_us: float
    """Spread of the process time: p99 minus p50."""
    block_budget_us: float
    dropouts: int
    """Audio cycles given as silence because the sandbox missed their deadline (or was gone)."""
    seconds: float
    """Audio rendered for the measurement."""
    response: Response = field(default_factory=Response, repr=False)
    timeline: Timeline = field(default_factory=Timeline, repr=False)

    @property
    def reported_latency_us(self) -> float | None:
        return None if self.reported_latency is None else self.reported_latency / self.sample_rate * 1e6

    @property
    def measured_latency_us(self) -> float | None:
        return None if self.measured_latency is None else self.measured_latency / self.sample_rate * 1e6

    @property
    def cpu_share(self) -> float:
        """Mean process time over the block budget (1.0: the whole real-time budget)."""
        return self.process.block_share

    @property
    def memory_bytes(self) -> int:
        return self.sandbox.memory_bytes

    @property
    def peak_memory_bytes(self) -> int:
        return self.sandbox.peak_memory_bytes

    def to_dict(self) -> dict[str, Any]:
        """Everything but the response and timeline arrays, as JSON-ready values."""
        process = asdict(self.process)
        process.pop("histogram")
        return {
            "plugin": self.plugin, "plugin_id": self.plugin_id, "format": self.format, "path": self.path,
            "sample_rate": self.sample_rate, "block_size": self.block_size, "health": self.health,
            "problems": list(self.problems), "reported_latency": self.reported_latency,
            "reported_latency_us": self.reported_latency_us, "measured_latency": self.measured_latency,
            "measured_latency_us": self.measured_latency_us, "jitter_us": self.jitter_us,
            "cpu_share": self.cpu_share, "block_budget_us": self.block_budget_us, "dropouts": self.dropouts,
            "memory_bytes": self.memory_bytes, "peak_memory_bytes": self.peak_memory_bytes,
            "seconds": self.seconds, "process": process, "sandbox": asdict(self.sandbox),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    def summary(self) -> str:
        """A few lines for people."""
        def latency(samples: int | None, us: float | None) -> str:
            return "unknown" if samples is None or us is None else f"{samples} samples ({us:.0f} us)"
        lines = [
            f"{self.plugin} ({self.format}, {self.plugin_id})",
            f"  health:           {self.health}" + "".join(f"\n    {problem}" for problem in self.problems),
            f"  reported latency: {latency(self.reported_latency, self.reported_latency_us)}",
            f"  measured latency: {latency(self.measured_latency, self.measured_latency_us)}",
            f"  process time:     p50 {self.process.p50_us:.1f} us, p99 {self.process.p99_us:.1f} us, "
            f"max {self.process.max_us:.1f} us, jitter {self.jitter_us:.1f} us "
            f"({self.process.blocks} blocks of {self.block_size})",
            f"  CPU:              {100 * self.cpu_share:.2f}% of the block budget "
            f"({self.block_budget_us:.0f} us), sandbox {self.sandbox.cpu_percent:.1f}% of a core",
            f"  memory:           {self.memory_bytes / 2**20:.1f} MiB, peak {self.peak_memory_bytes / 2**20:.1f} MiB",
            f"  dropouts:         {self.dropouts}",
        ]
        return "\n".join(lines)

    def plot(self, path: str | Any) -> None:
        """Draws the response, the impulse response with both latencies marked, the
        process-time histogram and CPU and memory over time into one image (`pip install
        scuff[plot]`)."""
        from .inspector_plot import plot_report
        plot_report(self, path)


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
    found = find_plugin(client, plugin, plugin_id)
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
                "format": getattr(found, "format", "vst3" if str(found).endswith(".vst3") else "clap"),
                "path": str(getattr(found, "path", found))}

    def failed(health: Health, problem: str, sandbox: Any = None, **more: Any) -> InspectionReport:
        return InspectionReport(
            identity["plugin"], identity["plugin_id"], identity["format"], identity["path"],
            sample_rate=sample_rate, block_size=block_size, health=health, problems=(problem,),
            reported_latency=more.get("reported"), measured_latency=None, process=more.get("process", DeviceStats()),
            sandbox=sandbox.stats if sandbox is not None else SandboxStats(), jitter_us=0.0,
            block_budget_us=budget_us, dropouts=sandbox.missed_cycles if sandbox is not None else 0,
            seconds=more.get("rendered", 0.0), timeline=more.get("timeline", Timeline()))

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
        seconds=rendered, response=response, timeline=times)


def _failure(sandbox: Any) -> tuple[Health, str]:
    """What became of a sandbox that did not process every block: the client learns of a
    crash from the process's exit, a moment after the cycle that missed it."""
    deadline = time.monotonic() + 2.0
    while sandbox.state == "running" and time.monotonic() < deadline:
        time.sleep(0.02)
    if sandbox.state == "crashed":
        return "crashed", "crashed while processing,"
    return "unresponsive", "stopped answering"


def measure_response(signal: np.ndarray, output: np.ndarray, sample_rate: float,
                     segment: int = 4096) -> Response:
    """The impulse response (by deconvolution of the whole signal, so a latency of up to the
    signal's length is seen) and the frequency response (Welch's cross-spectrum over Hann
    windows of `segment` samples, smoother than the deconvolution's), with the latency taken out."""
    n = len(signal)
    size = 1 << (2 * n - 1).bit_length()
    x = np.fft.rfft(signal.astype(np.float64), size)
    y = np.fft.rfft(output[:n].astype(np.float64), size)
    power = np.abs(x) ** 2
    impulse = np.fft.irfft(y * np.conj(x) / (power + 1e-9 * power.mean()), size)[:n]
    measured = latency_of(impulse)
    delay = 0 if measured is None else measured
    # Each output window is taken `delay` samples after its input window, so a pure delay reads
    # exactly flat (no leakage between misaligned windows) and the phase has the latency taken out.
    segment = min(segment, 1 << ((n - delay).bit_length() - 1))
    window = np.hanning(segment)
    hop = segment // 2
    cross = np.zeros(segment // 2 + 1, complex)
    auto = np.zeros(segment // 2 + 1)
    for start in range(0, n - delay - segment + 1, hop):
        xs = np.fft.rfft(signal[start:start + segment] * window)
        ys = np.fft.rfft(output[start + delay:start + delay + segment] * window)
        cross += ys * np.conj(xs)
        auto += np.abs(xs) ** 2
    transfer = cross / np.maximum(auto, 1e-30)
    frequencies = np.fft.rfftfreq(segment, 1 / sample_rate)
    phase = np.angle(transfer)
    magnitude = 20 * np.log10(np.maximum(np.abs(transfer), 1e-12))
    return Response(impulse.astype(np.float32), frequencies[1:], magnitude[1:], phase[1:])


def latency_of(impulse: np.ndarray) -> int | None:
    """Where the impulse response peaks; None when the plugin gave (nearly) nothing."""
    if impulse.size == 0:
        return None
    magnitude = np.abs(impulse)
    peak = int(np.argmax(magnitude))
    if not math.isfinite(float(magnitude[peak])) or magnitude[peak] < 1e-4:
        return None
    return peak
