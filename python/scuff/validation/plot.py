"""A validation report's plot: process time per block size and per sample rate, as the
block-size and sample-rate tests measured them (matplotlib, the `plot` extra)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol


class _Report(Protocol):
    """What the plot is drawn from: a ValidationReport."""

    @property
    def plugin(self) -> str: ...

    @property
    def results(self) -> Sequence[Any]: ...

    def result(self, name: str) -> Any: ...


def plot_report(report: _Report, path: Any) -> None:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError("plotting needs matplotlib: pip install scuff[plot]") from error
    panels = [(name, key) for name, key in (("block-sizes", "block_size"), ("sample-rates", "sample_rate"))
              if any(r.name == name and r.data.get(key) for r in report.results)]
    figure, axes = plt.subplots(1, max(len(panels), 1), figsize=(6 * max(len(panels), 1), 4), squeeze=False)
    for ax, (name, key) in zip(axes[0], panels, strict=False):
        data = report.result(name).data
        ax.plot(data[key], data["p50_us_per_frame"], "o-", label="p50")
        ax.plot(data[key], data["max_us_per_frame"], "x--", label="max")
        ax.set_xscale("log", base=2 if key == "block_size" else 10)
        ax.set_yscale("log")
        ax.set_xlabel("block size (frames)" if key == "block_size" else "sample rate (Hz)")
        ax.set_ylabel("process time per frame (us)")
        ax.set_title(f"{report.plugin}: {name}")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    if not panels:
        axes[0][0].text(0.5, 0.5, "no process times measured", ha="center", va="center")
        axes[0][0].set_axis_off()
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
