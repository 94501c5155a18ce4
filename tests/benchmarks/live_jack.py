"""Playing live through a JACK server (jackd -d dummy, 48 kHz): 1, 4 and 8 sandboxes, one
ZamComp in each, fed from the server's capture ports and played to its playback ports, at
periods of 64, 128 and 256 frames (the group's block size is the period). Reported per case:
the xruns the server reported while scuff played (0 sandboxes: the dummy driver's own),
scuff's callbacks that outlasted their period (the xruns scuff caused), cycles that
stopped waiting for a late sandbox, and the callback time percentiles."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

from fixtures import SAMPLE_RATE, new_zamcomp
from stats import Latency, fmt_ns, print_table

import scuff

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from support.jack_server import jack_server  # noqa: E402

PERIODS = (64, 128, 256)
# 0: a client with no sandboxes and no ports, the baseline of the xruns the dummy driver
# reports on its own (its timer waking late on a busy machine).
COUNTS = (0, 1, 4, 8)
GOAL_PERIOD, GOAL_COUNT = 128, 4
# Before measuring: the sandboxes' first cycles (page faults, plugin warm-up).
WARM_UP_SECONDS = 1.0


@dataclass(frozen=True)
class LiveResult:
    period: int
    count: int
    xruns: int
    overruns: int
    late_cycles: int
    cycles: int
    cpu_load: float
    latency: Latency


def available() -> str | None:
    """Why the benchmark cannot run here, or None."""
    from scuff.live import jack_available

    if not jack_available():
        return "libjack cannot be loaded (Debian: libjack-jackd2-0)"
    try:
        import jack  # noqa: F401
    except (ImportError, OSError):
        return "the JACK-Client package is missing"
    import shutil
    if shutil.which("jackd") is None:
        return "jackd is not installed (Debian: jackd2)"
    return None


def run(seconds: float) -> list[LiveResult]:
    from scuff.live import JackHost

    results = []
    for period in PERIODS:
        with jack_server(period=period) as server, scuff.Client() as client:
            for count in COUNTS:
                group = client.create_group(sample_rate=SAMPLE_RATE, block_size=period)
                devices = [new_zamcomp(group.create_sandbox()) for _ in range(count)]
                with JackHost(group, inputs=devices, outputs=devices, server=server) as host:
                    capture = host.find_ports("^system:capture_", kind="audio") if count else []
                    playback = host.find_ports("^system:playback_", kind="audio", outputs=False) if count else []
                    for index, port in enumerate(host.input_ports):
                        host.connect(capture[index % len(capture)], port)
                    for index, port in enumerate(host.output_ports):
                        host.connect(port, playback[index % len(playback)])
                    time.sleep(WARM_UP_SECONDS)
                    host.reset_stats()
                    time.sleep(seconds)
                    stats = host.stats()
                    times = host.cycle_times()
                results.append(LiveResult(period, count, stats.xruns, stats.overruns, stats.late_cycles,
                                          stats.cycles, stats.cpu_load, Latency.of(times)))
                group.close()
    return results


def report(results: list[LiveResult], seconds: float) -> None:
    rows = [(r.period, r.count, r.xruns, r.overruns, r.late_cycles, r.cycles, f"{r.cpu_load:.0f}%",
             fmt_ns(r.latency.p50), fmt_ns(r.latency.p99), fmt_ns(r.latency.max),
             fmt_ns(r.period / SAMPLE_RATE * 1e9))
            for r in results]
    print_table(f"Live through JACK (dummy driver, {seconds:g} s per case; ZamComp per sandbox)",
                ["period", "sandboxes", "xruns", "overruns", "late", "cycles", "DSP load", "p50", "p99", "max",
                 "period length"], rows)


def goal_lines(results: list[LiveResult]) -> list[str]:
    lines = []
    baseline = {r.period: r.xruns for r in results if r.count == 0}
    for r in results:
        if (r.period, r.count) == (GOAL_PERIOD, GOAL_COUNT):
            lines.append(f"  live at {GOAL_PERIOD} frames with {GOAL_COUNT} sandboxes: {r.xruns} xrun(s), "
                         f"{r.overruns} overrun(s) of scuff's (with no sandbox: {baseline.get(r.period, '?')} "
                         f"xrun(s)), p99 {fmt_ns(r.latency.p99)}  "
                         f"{'met (0)' if r.xruns + r.overruns == 0 else 'NOT met (goal: 0 xruns)'}")
    return lines
