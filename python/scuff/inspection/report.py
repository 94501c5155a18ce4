"""An inspection's findings: what `scuff.inspect` returns, with its JSON and text forms and
its plot."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from ..confine.refusals import Refusal
from ..host.stats import DeviceStats, SandboxStats
from .measurements import Response, Timeline

Health = Literal["ok", "late", "unresponsive", "crashed", "lying about latency"]


@dataclass(frozen=True)
class InspectionReport:
    """What `scuff.inspect` found. Latencies are in samples and in microseconds at the
    inspection's sample rate; `measured_latency` is None when the plugin has no audio input or
    gave silence. `problems` lists every finding in words; `health` is the worst of them.
    `refusals` is what the sandbox's confinement refused the plugin meanwhile."""

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
    refusals: tuple[Refusal, ...] = ()

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
            "refusals": [{"operation": r.operation, "path": r.path, "error": r.error, "reason": r.reason}
                         for r in self.refusals],
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
            f"  refused:          {len(self.refusals) or 'nothing'}"
            + "".join(f"\n    {refusal}" for refusal in self.refusals),
        ]
        return "\n".join(lines)

    def plot(self, path: str | Any) -> None:
        """Draws the response, the impulse response with both latencies marked, the
        process-time histogram and CPU and memory over time into one image (`pip install
        scuff[plot]`)."""
        from .plot import plot_report
        plot_report(self, path)
