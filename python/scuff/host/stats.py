"""Statistics that are always on: how long each device's process calls take (measured by
the sandbox's audio thread, published in the device's shared memory) and what each sandbox
process costs (read from /proc by the client).

The sandbox writes its numbers without locks and may lie: every number read here is
checked and clamped, never trusted."""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass, field

from .._native import DeviceMemory, process_stats_bucket_floors

_BUCKET_FLOORS_NS: list[int] = process_stats_bucket_floors()
# Larger than any real sum: a total past it comes from a lying or corrupt sandbox.
_MAX_TOTAL_NS = 1 << 62
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class ProcessTimeHistogram:
    """How many process calls took each range of time: `counts[i]` calls took at least
    `floors_us[i]` and less than `floors_us[i + 1]` microseconds."""

    floors_us: tuple[float, ...] = ()
    counts: tuple[int, ...] = ()


@dataclass(frozen=True)
class DeviceStats:
    """How long a device's process calls took since it was created or reset, as timed by
    its sandbox's audio thread with a monotonic clock around every call. Percentiles come
    from a histogram whose buckets are at most 6.25% wide; the maximum and the mean are exact."""

    blocks: int = 0
    """Blocks the plugin processed."""
    frames: int = 0
    """Frames in those blocks."""
    p50_us: float = 0.0
    p99_us: float = 0.0
    max_us: float = 0.0
    mean_us: float = 0.0
    last_us: float = 0.0
    total_s: float = 0.0
    """Time spent in process calls, in seconds."""
    block_share: float = 0.0
    """Mean process time over the mean block's period (0.5: half the real-time budget)."""
    p99_block_share: float = 0.0
    """p99 process time over the mean block's period."""
    histogram: ProcessTimeHistogram = field(default_factory=ProcessTimeHistogram, repr=False)


@dataclass(frozen=True)
class SandboxStats:
    """What a sandbox process costs, read from /proc, since the sandbox started or was reset."""

    cpu_percent: float = 0.0
    """CPU time over wall time, in percent of one core."""
    cpu_time_s: float = 0.0
    wall_time_s: float = 0.0
    memory_bytes: int = 0
    """Resident memory now (VmRSS)."""
    peak_memory_bytes: int = 0
    """The highest resident memory (VmHWM) since the process started or the reset."""
    missed_cycles: int = 0
    """Audio cycles that gave silence because the sandbox was late or gone."""
    restarts: int = 0


def device_stats(memory: DeviceMemory, sample_rate: float, max_frames: int) -> DeviceStats:
    """Reads and checks a device's statistics. Nothing counts while a reset is pending."""
    requested, done, blocks, frames, total_ns, max_ns, last_ns, counts = memory.process_stats()
    if done != requested or blocks == 0:
        return DeviceStats()
    total_ns = min(total_ns, _MAX_TOTAL_NS)
    frames = min(frames, blocks * max_frames)
    max_ns = min(max_ns, total_ns)
    last_ns = min(last_ns, max_ns)
    counted = sum(counts)
    p50_ns = min(_percentile(counts, counted, 0.50), max_ns)
    p99_ns = min(_percentile(counts, counted, 0.99), max_ns)
    mean_ns = total_ns / blocks
    period_ns = frames / blocks / sample_rate * 1e9 if frames else 0.0
    histogram = ProcessTimeHistogram(tuple(floor / 1000 for floor in _BUCKET_FLOORS_NS), tuple(counts))
    return DeviceStats(
        blocks=blocks, frames=frames, p50_us=p50_ns / 1000, p99_us=p99_ns / 1000, max_us=max_ns / 1000,
        mean_us=mean_ns / 1000, last_us=last_ns / 1000, total_s=total_ns / 1e9,
        block_share=mean_ns / period_ns if period_ns else 0.0,
        p99_block_share=p99_ns / period_ns if period_ns else 0.0, histogram=histogram)


def _percentile(counts: list[int], total: int, quantile: float) -> float:
    """The middle of the bucket holding the quantile; 0 for an empty histogram."""
    if total <= 0:
        return 0.0
    rank = quantile * total
    seen = 0
    for bucket, count in enumerate(counts):
        seen += count
        if seen >= rank and count:
            low = _BUCKET_FLOORS_NS[bucket]
            high = _BUCKET_FLOORS_NS[bucket + 1] if bucket + 1 < len(_BUCKET_FLOORS_NS) else low
            return (low + high) / 2
    return float(_BUCKET_FLOORS_NS[-1])


@dataclass(frozen=True)
class ProcessUsage:
    """One reading of a process's /proc files."""

    cpu_time_s: float
    memory_bytes: int
    peak_memory_bytes: int


def read_process_usage(pid: int) -> ProcessUsage | None:
    """CPU time (utime + stime, every thread, dead ones too), VmRSS and VmHWM of a
    process; None when it is gone or /proc cannot be read."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as file:
            stat = file.read().decode("ascii", "replace")
        with open(f"/proc/{pid}/status", "rb") as file:
            status = file.read().decode("ascii", "replace")
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: fields follow the last ')'.
    fields = stat[stat.rfind(")") + 2:].split()
    try:
        cpu = (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS
    except (IndexError, ValueError):
        return None
    # The scheduler's own count is in ns rather than 10 ms ticks, but covers only live
    # threads: it wins unless the ticks (which include threads that ended) say more.
    cpu = max(cpu, _scheduled_time(pid))
    kilobytes = {}
    for line in status.splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            parts = value.split()
            if parts and parts[0].isdigit():
                kilobytes[key] = int(parts[0])
    rss = kilobytes.get("VmRSS", 0) * 1024
    return ProcessUsage(cpu, rss, max(rss, kilobytes.get("VmHWM", 0) * 1024))


def _scheduled_time(pid: int) -> float:
    total = 0
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/schedstat", "rb") as file:
                total += int(file.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0.0
    return total / 1e9


class SandboxUsageMeter:
    """Turns /proc readings of a sandbox's successive processes into `SandboxStats` since a
    reset. CPU time of a process that has gone counts as last read."""

    def __init__(self) -> None:
        self._pid: int | None = None
        self._last: ProcessUsage | None = None
        self._carried_cpu = 0.0
        self._cpu_base = 0.0
        self._missed_base = 0
        self._restarts_base = 0
        self._started = time.monotonic()
        # The peak since a reset, as the client saw it, when the kernel's could not be reset.
        self._peak_since_reset: int | None = None

    def read(self, pid: int, missed_cycles: int, restarts: int) -> SandboxStats:
        if pid != self._pid:
            if self._last is not None:
                self._carried_cpu += self._last.cpu_time_s
            self._pid, self._last = pid, None
            if self._peak_since_reset is not None:
                self._peak_since_reset = 0
        usage = read_process_usage(pid)
        if usage is not None:
            self._last = usage
        last = self._last or ProcessUsage(0.0, 0, 0)
        cpu = max(0.0, self._carried_cpu + last.cpu_time_s - self._cpu_base)
        wall = max(time.monotonic() - self._started, 1e-9)
        memory = last.memory_bytes if usage is not None else 0
        peak = last.peak_memory_bytes
        if self._peak_since_reset is not None:
            self._peak_since_reset = max(self._peak_since_reset, memory)
            peak = self._peak_since_reset
        return SandboxStats(
            cpu_percent=100.0 * cpu / wall if math.isfinite(cpu) else 0.0, cpu_time_s=cpu, wall_time_s=wall,
            memory_bytes=memory, peak_memory_bytes=max(peak, memory),
            missed_cycles=max(0, missed_cycles - self._missed_base), restarts=max(0, restarts - self._restarts_base))

    def reset(self, pid: int, missed_cycles: int, restarts: int) -> None:
        usage = read_process_usage(pid)
        if pid != self._pid:
            self._carried_cpu, self._pid = 0.0, pid
        self._last = usage
        self._cpu_base = self._carried_cpu + (usage.cpu_time_s if usage else 0.0)
        self._missed_base, self._restarts_base = missed_cycles, restarts
        self._started = time.monotonic()
        # Writing 5 to clear_refs resets the kernel's VmHWM to the current RSS.
        try:
            with open(f"/proc/{pid}/clear_refs", "w") as file:
                file.write("5")
            self._peak_since_reset = None
        except OSError:
            self._peak_since_reset = usage.memory_bytes if usage else 0
