"""Latency honesty: the delay measured between input and output against the one reported."""

from __future__ import annotations

import numpy as np

from .bench import Bench
from .check import Check, Outcome, verdict
from .signals import delay


def latency(bench: Bench) -> Outcome:
    rig = bench.rig()
    if not rig.channels_in or not rig.channels_out:
        return Outcome.skip("the plugin has no audio input and output to measure between")
    # A plugin may settle, and change its latency, in its first blocks.
    rig.render(np.zeros(4 * rig.group.block_size, np.float32))
    reported = rig.device.latency
    signal = bench.noise(max(bench.frames(), 4 * reported + 8192))
    measured = delay(signal, rig.render(signal))
    data = {"reported": reported, "measured": measured}
    if measured is None:
        return Outcome(True, f"reports {reported} samples; not measurable: the output does not follow the input "
                             "(a gate, a generator, heavy distortion)", data=data)
    problems = ([f"reports a latency of {reported} samples but delays by {measured}"]
                if abs(measured - reported) > bench.tol.latency_tolerance else [])
    return verdict(problems, f"reports {reported} samples and delays by {measured} (tolerance "
                             f"{bench.tol.latency_tolerance})", data)


CHECKS = (
    Check("latency", "the delay measured from input to output (by cross-correlation of noise) is the latency "
                     "the plugin reports", 2, latency),
)
