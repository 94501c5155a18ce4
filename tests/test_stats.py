"""Statistics that are always on: process times from the sandbox's audio thread, CPU and
memory from /proc, checked against outside measurements."""

from __future__ import annotations

import os
import pathlib

import numpy as np
import pytest

import scuff
from scuff import _native
from scuff.host.stats import device_stats
from support.signals import noise
from support.test_plugins import GAIN_ID
from support.zam import ZAM_CLAP_DIR

MAXIMIZER = ZAM_CLAP_DIR / "ZaMaximX2.clap"


def scheduled_seconds(pid: int) -> tuple[float, float]:
    """CPU time of every thread of a process, and the time they waited for a CPU while ready to
    run, from the scheduler's per-thread counts (ns)."""
    running = waiting = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        fields = pathlib.Path(f"/proc/{pid}/task/{task}/schedstat").read_text().split()
        running += int(fields[0])
        waiting += int(fields[1])
    return running / 1e9, waiting / 1e9


def test_every_processed_block_is_counted_and_a_reset_starts_from_zero(group, make):
    device = make(group.create_sandbox(), GAIN_ID)
    assert device.stats.blocks == 0
    group.render({device: noise(2, 10 * 512 + 100)}, device)
    stats = device.stats
    assert stats.blocks == 11 and stats.frames == 10 * 512 + 100
    assert 0 < stats.p50_us <= stats.p99_us <= stats.max_us
    assert stats.mean_us * stats.blocks == pytest.approx(stats.total_s * 1e6)
    assert sum(stats.histogram.counts) == 11
    assert 0 < stats.block_share < 1
    device.reset_stats()
    assert device.stats.blocks == 0  # until the sandbox carries the reset out, nothing counts
    group.render({device: noise(2, 3 * 512)}, device)
    assert device.stats.blocks == 3 and sum(device.stats.histogram.counts) == 3


def test_sandbox_stats_count_missed_cycles_and_reset(group, make):
    sandbox = group.create_sandbox()
    make(sandbox, GAIN_ID)
    stats = sandbox.stats
    assert stats.missed_cycles == 0 and stats.restarts == 0 and stats.memory_bytes > 0
    sandbox.restart()
    assert sandbox.stats.restarts == 1
    sandbox.reset_stats()
    assert sandbox.stats.restarts == 0


@pytest.mark.skipif(not MAXIMIZER.exists(), reason="zam-plugins not installed")
def test_process_time_agrees_with_the_sandbox_cpu_time_in_proc(client):
    # Blocks of 4096 frames of a lookahead limiter: process calls dominate what the sandbox does, and the
    # sandbox sleeps rather than spins between cycles, so its CPU time is nearly all process time.
    group = client.create_group(sample_rate=48000, block_size=4096)
    group._engine.sandbox_spin_ns = 0
    sandbox = group.create_sandbox()
    device = sandbox.create_device(MAXIMIZER)
    x = noise(2, 48000 * 4)
    group.render({device: x[:, :4096]}, device)
    device.reset_stats()
    running, waiting = scheduled_seconds(sandbox.pid)
    group.render({device: x}, device)
    ran, waited = scheduled_seconds(sandbox.pid)
    cpu, preempted = ran - running, waited - waiting
    inside = device.stats.total_s
    assert cpu > 0.05
    # Process calls are timed with a monotonic clock, so on a loaded machine they also count the
    # time the audio thread was preempted: the sum lies between the sandbox's CPU time and its
    # CPU time plus its waits for a CPU. On an idle machine the waits are nil and the two agree.
    assert cpu * 0.8 <= inside <= (cpu + preempted) * 1.2, (inside, cpu, preempted)


def test_memory_agrees_with_proc_status(group, make):
    sandbox = group.create_sandbox()
    device = make(sandbox, GAIN_ID)
    group.render({device: noise(2, 4096)}, device)
    fields = {}
    for line in pathlib.Path(f"/proc/{sandbox.pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = int(value.split()[0]) * 1024 if value.strip().endswith("kB") else None
    stats = sandbox.stats
    assert stats.memory_bytes == pytest.approx(fields["VmRSS"], rel=0.05)
    assert stats.peak_memory_bytes == pytest.approx(fields["VmHWM"], rel=0.05)
    assert stats.peak_memory_bytes >= stats.memory_bytes


class LyingMemory:
    """What a lying sandbox could leave in a device's statistics."""

    def __init__(self, values: tuple) -> None:
        self.values = values

    def process_stats(self) -> tuple:
        return self.values


@pytest.mark.pure
def test_numbers_from_a_lying_sandbox_are_clamped():
    buckets = len(_native.process_stats_bucket_floors())
    histogram = [0] * buckets
    histogram[-1] = 2**63
    lie = LyingMemory((0, 0, 3, 2**64 - 1, 2**64 - 1, 2**64 - 1, 2**64 - 1, histogram))
    stats = device_stats(lie, 48000, 512)
    assert stats.frames == 3 * 512
    assert stats.max_us <= stats.total_s * 1e6 and stats.p99_us <= stats.max_us
    assert np.isfinite([stats.p50_us, stats.p99_us, stats.mean_us, stats.block_share]).all()
    pending = LyingMemory((2, 1, 3, 100, 100, 100, 100, histogram))
    assert device_stats(pending, 48000, 512) == scuff.DeviceStats()
