"""Processing at every sample rate and block size a host may use, random block sizes within
one run included, with process times per block size for the plot."""

from __future__ import annotations

import numpy as np

from .bench import Bench, Rig
from .check import Check, Outcome, verdict
from .signals import denormals, non_finite

MAX_BLOCK = 4096
NAN_REPORT = "NaN or infinity"


def output_problems(rig: Rig, output: np.ndarray, where: str, *, settle: bool = False) -> list[str]:
    """Non-finite samples in `output`, and blocks the sandbox silenced because they held some
    (reported since the last call; with `settle`, once what is on its way has arrived)."""
    problems = []
    if count := non_finite(output):
        problems.append(f"{count} NaN or infinite samples {where}")
    reports = [line for line in (rig.messages() if settle else rig.logged()) if NAN_REPORT in line]
    problems += [f"{line} {where}" for line in reports[rig.nan_reports_seen:]]
    rig.nan_reports_seen = len(reports)
    return problems


def sample_rates(bench: Bench) -> Outcome:
    problems: list[str] = []
    rates, p50, peak = [], [], []
    for rate in bench.tol.sample_rates:
        rig = bench.rig(sample_rate=rate)
        output = rig.render(bench.noise(bench.frames(rate)))
        problems += output_problems(rig, output, f"at {rate} Hz", settle=True)
        stats = rig.device.stats
        rates.append(rate)
        p50.append(stats.p50_us / rig.group.block_size)
        peak.append(stats.max_us / rig.group.block_size)
    return verdict(problems, f"processed noise at {', '.join(str(r) for r in rates)} Hz with finite output",
                   {"sample_rate": rates, "p50_us_per_frame": p50, "max_us_per_frame": peak})


def block_sizes(bench: Bench) -> Outcome:
    rig = bench.rig(block_size=MAX_BLOCK)
    problems: list[str] = []
    sizes, p50, peak = [], [], []
    for size in bench.tol.block_sizes:
        rig.device.reset_stats()
        total = max(size * 4, bench.frames() // 4)
        blocks = [rig.process(bench.noise(size)) for _ in range(max(1, total // size))]
        problems += output_problems(rig, np.concatenate(blocks, axis=-1), f"in blocks of {size}")
        stats = rig.device.stats
        sizes.append(size)
        p50.append(stats.p50_us / size)
        peak.append(stats.max_us / size)
    random_sizes = bench.rng.integers(1, MAX_BLOCK + 1, bench.tol.random_block_sizes)
    if len(random_sizes):
        blocks = [rig.process(bench.noise(int(size))) for size in random_sizes]
        problems += output_problems(rig, np.concatenate(blocks, axis=-1), "in blocks of random sizes")
    problems += output_problems(rig, np.zeros(0, np.float32), "in blocks of some size", settle=True)
    used = ", ".join(str(s) for s in sizes)
    more = f", then {len(random_sizes)} blocks of random sizes from 1 to {MAX_BLOCK}" if len(random_sizes) else ""
    return verdict(problems, f"processed blocks of {used} frames{more}, all output finite",
                   {"block_size": sizes, "p50_us_per_frame": p50, "max_us_per_frame": peak})


def finite_output(bench: Bench) -> Outcome:
    rig = bench.rig()
    problems: list[str] = []
    for name, level in (("noise", 0.25), ("loud noise (+12 dBFS)", 4.0), ("very quiet noise (1e-20)", 1e-20)):
        output = rig.render(bench.noise(bench.frames(), level))
        problems += output_problems(rig, output, f"for {name}")
        if count := denormals(output):
            problems.append(f"{count} denormal samples out for {name}")
    silence = rig.render(np.zeros(bench.frames(), np.float32))
    problems += output_problems(rig, silence, "for silence", settle=True)
    if count := denormals(silence):
        problems.append(f"{count} denormal samples out for silence")
    return verdict(problems, "no NaN, infinity or denormal came out for noise at three levels and for silence")


CHECKS = (
    Check("sample-rates", "noise is processed at each sample rate from 44.1 to 192 kHz with finite output",
          2, sample_rates),
    Check("block-sizes", "noise is processed in blocks of 1 to 4096 frames, and of random sizes within one run, "
                         "with finite output", 2, block_sizes),
    Check("finite-output", "no NaN, infinity or denormal comes out, for quiet, normal and loud input and for "
                           "silence", 2, finite_output),
)
