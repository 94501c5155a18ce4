"""Drawing an InspectionReport with matplotlib (`pip install scuff[plot]`)."""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np

from ..errors import ScuffError
from ..host.stats import DeviceStats
from .measurements import Response, Timeline


class PlottedReport(Protocol):
    """What a plot is drawn from: an InspectionReport, which draws itself with this module."""

    @property
    def plugin(self) -> str: ...
    @property
    def format(self) -> str: ...
    @property
    def health(self) -> str: ...
    @property
    def sample_rate(self) -> float: ...
    @property
    def block_size(self) -> int: ...
    @property
    def reported_latency(self) -> int | None: ...
    @property
    def measured_latency(self) -> int | None: ...
    @property
    def process(self) -> DeviceStats: ...
    @property
    def block_budget_us(self) -> float: ...
    @property
    def response(self) -> Response: ...
    @property
    def timeline(self) -> Timeline: ...


def plot_report(report: PlottedReport, path: Any) -> None:
    """Four panels in one image: magnitude and phase response, the impulse response with the
    reported and measured latencies marked, the process-time histogram, CPU and memory over time."""
    try:
        import matplotlib
    except ImportError as error:
        raise ScuffError("plots need matplotlib: pip install 'scuff[plot]'") from error
    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(12, 9), layout="constrained")
    figure.suptitle(f"{report.plugin} ({report.format}): {report.health}, "
                    f"{report.sample_rate:g} Hz, blocks of {report.block_size}")
    axes = figure.subplots(2, 2)
    _response(axes[0][0], report)
    _impulse(axes[0][1], report)
    _histogram(axes[1][0], report)
    _timeline(axes[1][1], report)
    figure.savefig(path, format="png", dpi=100)


def _response(axis: Any, report: PlottedReport) -> None:
    response = report.response
    axis.set_title("Frequency response (input 1 to output 1)")
    if response.frequencies_hz.size == 0:
        axis.text(0.5, 0.5, "no audio input: no response", ha="center", va="center", transform=axis.transAxes)
        return
    axis.semilogx(response.frequencies_hz, response.magnitude_db, color="tab:blue")
    axis.set_xlabel("frequency (Hz)")
    axis.set_ylabel("magnitude (dB)", color="tab:blue")
    low = max(float(np.min(response.magnitude_db)), float(np.max(response.magnitude_db)) - 60)
    axis.set_ylim(low - 3, float(np.max(response.magnitude_db)) + 3)
    axis.grid(True, which="both", alpha=0.3)
    phase = axis.twinx()
    phase.semilogx(response.frequencies_hz, np.degrees(response.phase_rad), color="tab:orange", alpha=0.7)
    phase.set_ylabel("phase, measured latency removed (degrees)", color="tab:orange")
    phase.set_ylim(-190, 190)


def _impulse(axis: Any, report: PlottedReport) -> None:
    impulse = report.response.impulse
    axis.set_title("Impulse response")
    if impulse.size == 0:
        axis.text(0.5, 0.5, "no audio input: no impulse response", ha="center", va="center",
                  transform=axis.transAxes)
        return
    marks = [m for m in (report.reported_latency, report.measured_latency) if m is not None]
    end = int(min(impulse.size, max([*marks, 0]) * 2 + 256))
    axis.plot(np.arange(end), impulse[:end], color="tab:blue", linewidth=1)
    if report.reported_latency is not None:
        axis.axvline(report.reported_latency, color="tab:green", linestyle="--",
                     label=f"reported latency {report.reported_latency}")
    if report.measured_latency is not None:
        axis.axvline(report.measured_latency, color="tab:red", linestyle=":",
                     label=f"measured latency {report.measured_latency}")
    axis.set_xlabel("samples")
    axis.set_ylabel("amplitude")
    axis.legend(loc="upper right")
    axis.grid(True, alpha=0.3)


def _histogram(axis: Any, report: PlottedReport) -> None:
    histogram = report.process.histogram
    axis.set_title(f"Process time per block ({report.process.blocks} blocks)")
    counts = np.asarray(histogram.counts)
    if counts.sum() == 0:
        axis.text(0.5, 0.5, "no block processed", ha="center", va="center", transform=axis.transAxes)
        return
    used = np.nonzero(counts)[0]
    first, last = int(used[0]), int(used[-1]) + 1
    floors = np.asarray(histogram.floors_us)
    edges = np.append(floors[first:last], floors[last] if last < floors.size else floors[-1] * 1.0625)
    axis.stairs(counts[first:last], edges, fill=True, color="tab:blue", alpha=0.7)
    for value, label, color in ((report.process.p50_us, "p50", "tab:green"),
                                (report.process.p99_us, "p99", "tab:orange"),
                                (report.process.max_us, "max", "tab:red")):
        axis.axvline(value, color=color, linestyle="--", label=f"{label} {value:.1f} us")
    axis.set_xscale("log")
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter
    axis.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    axis.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    axis.xaxis.set_minor_formatter(NullFormatter())
    axis.set_xlabel(f"process time (us); block budget {report.block_budget_us:.0f} us")
    axis.set_ylabel("blocks")
    axis.legend(loc="upper right")


def _timeline(axis: Any, report: PlottedReport) -> None:
    timeline = report.timeline
    axis.set_title("Sandbox CPU and memory over time")
    if not timeline.seconds:
        axis.text(0.5, 0.5, "nothing rendered", ha="center", va="center", transform=axis.transAxes)
        return
    axis.plot(timeline.seconds, timeline.cpu_percent, color="tab:blue", marker=".")
    axis.set_xlabel("seconds")
    axis.set_ylabel("CPU (% of one core)", color="tab:blue")
    axis.set_ylim(bottom=0)
    axis.grid(True, alpha=0.3)
    memory = axis.twinx()
    memory.plot(timeline.seconds, np.asarray(timeline.memory_bytes) / 2**20, color="tab:orange", marker=".")
    memory.set_ylabel("resident memory (MiB)", color="tab:orange")
    memory.set_ylim(0, max(timeline.memory_bytes) / 2**20 * 1.25)
