"""Workloads timed by `against_revision.py`, one per process so that each starts cold.

`python revision_workloads.py NAME` prints the seconds NAME took. They use only the public
API, which every revision compared shares, and real plugins: a render through ZamComp in
both formats, the cycle round trip of an empty sandbox, starting a sandbox with a device,
a scan of the installed plugins without the cache.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable

import numpy as np

import scuff

SAMPLE_RATE = 48000
BLOCK_SIZE = 512
ZAMCOMP = ("/usr/lib/clap/ZamComp.clap", "/usr/lib/vst3/ZamComp.vst3")


def render() -> float:
    """A minute of noise through ZamComp, CLAP then VST3, in one sandbox."""
    frames = 60 * SAMPLE_RATE
    with scuff.Client() as client:
        group = client.create_group(sample_rate=SAMPLE_RATE, block_size=BLOCK_SIZE)
        sandbox = group.create_sandbox()
        clap, vst3 = (sandbox.create_device(path) for path in ZAMCOMP)
        group.connect(clap.output(0), vst3.input(0))
        noise = np.random.default_rng(0).uniform(-0.5, 0.5, (clap.inputs[0], frames)).astype(np.float32)
        started = time.perf_counter()
        group.render({clap.input(0): noise}, [vst3.output(0)], frames=frames)
        return time.perf_counter() - started


def empty_cycles() -> float:
    """20,000 blocks of 64 frames through a sandbox holding ZamComp."""
    with scuff.Client() as client:
        group = client.create_group(sample_rate=SAMPLE_RATE, block_size=64)
        device = group.create_sandbox().create_device(ZAMCOMP[0])
        silence = np.zeros((device.inputs[0], 64), np.float32)
        started = time.perf_counter()
        for _ in range(20000):
            group.process({device.input(0): silence}, [device.output(0)], frames=64)
        return time.perf_counter() - started


def start_sandbox() -> float:
    """A client, a sandbox and one device of each format, from nothing."""
    started = time.perf_counter()
    with scuff.Client() as client:
        sandbox = client.create_group(sample_rate=SAMPLE_RATE, block_size=BLOCK_SIZE).create_sandbox()
        for path in ZAMCOMP:
            sandbox.create_device(path)
    return time.perf_counter() - started


def scan() -> float:
    """The standard folders, every file scanned again."""
    with tempfile.TemporaryDirectory() as cache, scuff.Client(cache_dir=cache) as client:
        started = time.perf_counter()
        client.scan(use_cache=False)
        return time.perf_counter() - started


WORKLOADS: dict[str, Callable[[], float]] = {
    "render": render, "empty_cycles": empty_cycles, "start_sandbox": start_sandbox, "scan": scan,
}

if __name__ == "__main__":
    print(f"{WORKLOADS[sys.argv[1]]():.6f}")
