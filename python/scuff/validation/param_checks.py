"""Parameters: every one set to its minimum, maximum, default and random values and read back,
automated sample-accurately within blocks, and its text read back as the same value."""

from __future__ import annotations

import numpy as np

from ..errors import ParamError
from ..wire.param import Param
from .bench import Bench, Rig
from .check import Check, Outcome, verdict
from .param_values import expected_value, random_value, readback_problems, settable
from .processing_checks import NAN_REPORT, output_problems
from .signals import non_finite


def param_values(bench: Bench) -> Outcome:
    rig = bench.rig()
    params = settable(rig.device)
    if not params:
        return Outcome.skip("the plugin has no parameters a host can set")
    problems: list[str] = []
    block = bench.noise(rig.group.block_size)
    count = seen_reports = 0
    for param in params:
        values = [param.min, param.max, param.default] + [
            random_value(param, bench.rng) for _ in range(bench.tol.random_values)]
        for value in values:
            rig.device.set_param(param.id, value)
            problems += readback_problems(rig.device, {param.id: value}, bench.tol.param_tolerance,
                                          "when read back")
            output = rig.render(block)
            if bad := non_finite(output):
                problems.append(f"{bad} NaN or infinite samples with {param.name!r} at {value:.6g}")
            # The sandbox silences a block holding NaN and says so a moment later.
            reports = sum(NAN_REPORT in line for line in rig.logged())
            if reports > seen_reports:
                problems.append(f"NaN or infinity out (silenced by the sandbox) around {param.name!r} at {value:.6g}")
                seen_reports = reports
            count += 1
        rig.device.set_param(param.id, param.default)
    if not any("NaN" in p for p in problems):
        problems += output_problems(rig, np.zeros(0, np.float32), "after the parameter changes", settle=True)
    return verdict(problems, f"set {len(params)} parameters to {count} values in all (minimum, maximum, default, "
                             f"{bench.tol.random_values} random each); each read back within "
                             f"{bench.tol.param_tolerance:g} of its range and the output stayed finite")


def param_automation(bench: Bench) -> Outcome:
    rig = bench.rig()
    params = [p for p in settable(rig.device) if p.is_automatable] or settable(rig.device)
    if not params:
        return Outcome.skip("the plugin has no parameters a host can set")
    size = rig.group.block_size
    blocks = max(4, bench.frames() // size)
    last: dict[int, float] = {}
    outputs = []
    for _ in range(blocks):
        for param in params:
            frames = np.sort(bench.rng.choice(size, 3, replace=False))
            for frame in frames:
                value = random_value(param, bench.rng)
                rig.device.schedule_param(param.id, value, int(frame))
                last[param.id] = value
        outputs.append(rig.process(bench.noise(size)))
    problems = output_problems(rig, np.concatenate(outputs, axis=-1), "under automation", settle=True)
    problems += readback_problems(rig.device, last, bench.tol.param_tolerance, "after automation")
    return verdict(problems, f"automated {len(params)} parameters with 3 changes per block at random frames for "
                             f"{blocks} blocks; output finite, last values read back")


def param_text(bench: Bench) -> Outcome:
    rig = bench.rig()
    params = settable(rig.device)
    if not params:
        return Outcome.skip("the plugin has no parameters a host can set")
    problems: list[str] = []
    unreadable = 0
    exact_text, allowed = bench.tol.strictness >= 7, bench.tol.param_tolerance
    for param in params:
        for value in (param.min, param.default, param.max, random_value(param, bench.rng)):
            text = rig.device.param_text(param.id, value)
            try:
                back = rig.device.param_from_text(param.id, text)
            except ParamError:
                unreadable += 1
                continue
            again = rig.device.param_text(param.id, back)
            # The last digit may move when a value travels through a format's normalized form;
            # a text must still read back as the same value, and at high strictness show the same.
            tolerance = allowed * (param.max - param.min)
            if again != text and (exact_text or not _reads_as(rig, param, again, back, tolerance)):
                problems.append(f"{param.name!r}: {value:.6g} shows as {text!r}, read back as {back:.6g}, "
                                f"which shows as {again!r}")
            if param.is_stepped and back != expected_value(param, value):
                problems.append(f"{param.name!r}: stepped value {value:g} shows as {text!r}, read back as {back:g}")
    note = f"; {unreadable} texts the plugin cannot read back (no text-to-value)" if unreadable else ""
    return verdict(problems, f"the text of {len(params)} parameters at 4 values each reads back as the same "
                             f"text{note}")


def _reads_as(rig: Rig, param: Param, text: str, value: float, tolerance: float) -> bool:
    try:
        return abs(rig.device.param_from_text(param.id, text) - value) <= tolerance
    except ParamError:
        return False


CHECKS = (
    Check("param-values", "every parameter set to its minimum, maximum, default and random values reads back "
                          "as set, and the output stays finite", 2, param_values),
    Check("param-automation", "sample-accurate changes of every automatable parameter at random frames within "
                              "blocks keep the output finite, and the last value of each reads back", 3,
          param_automation),
    Check("param-text", "each parameter's text, read back as a value, shows as the same text", 3, param_text),
)
