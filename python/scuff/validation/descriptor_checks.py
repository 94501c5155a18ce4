"""Loading, and what the scanner said of the plugin against what the loaded plugin says."""

from __future__ import annotations

import math

import numpy as np

from .bench import Bench
from .check import Check, Outcome, verdict


def load(bench: Bench) -> Outcome:
    rig = bench.rig()
    output = rig.render(np.zeros(rig.group.block_size, np.float32))
    device = rig.device
    return Outcome(True, f"created, activated and processed a block: {device.name}, inputs {device.inputs}, "
                         f"outputs {device.outputs}, {len(device.params)} parameters, "
                         f"latency {device.latency}, output shape {output.shape}")


def descriptor(bench: Bench) -> Outcome:
    rig = bench.rig()
    device, info = rig.device, bench.subject.info
    problems: list[str] = []
    if info is None:
        problems.append("the scanner did not list this plugin in its file")
    else:
        visible = [p for p in device.params if not p.is_hidden]
        pairs: list[tuple[str, object, object]] = [
            ("id", info.id, device.plugin_id), ("name", info.name, device.name),
            ("audio inputs", info.audio_inputs, tuple(device.inputs)),
            ("audio outputs", info.audio_outputs, tuple(device.outputs)),
            ("note inputs", info.note_inputs, device.note_inputs),
            ("note outputs", info.note_outputs, device.note_outputs),
            ("parameter count", info.param_count, len(visible)), ("editor", info.has_gui, device.has_editor)]
        # None: a moduleinfo.json cannot tell; only a loaded plugin knows.
        problems += [f"the scan says {what} {scanned!r}, the loaded plugin {loaded!r}"
                     for what, scanned, loaded in pairs if scanned is not None and scanned != loaded]
    ids = [p.id for p in device.params]
    if len(set(ids)) != len(ids):
        problems.append("two parameters share an id")
    for param in device.params:
        if not param.name.strip():
            problems.append(f"parameter {param.id} has no name")
        if not all(math.isfinite(v) for v in (param.min, param.max, param.default)):
            problems.append(f"{param.name!r} has a range or default that is not finite")
        elif not param.min <= param.default <= param.max:
            problems.append(f"{param.name!r} has its default {param.default:g} outside {param.min:g}..{param.max:g}")
    if device.latency < 0 or device.latency > 10 * rig.group.sample_rate:
        problems.append(f"reports a latency of {device.latency} samples")
    return verdict(problems, f"the scan and the loaded plugin agree: {len(device.params)} parameters, "
                             f"inputs {device.inputs}, outputs {device.outputs}, {device.note_inputs} note inputs")


CHECKS = (
    Check("load", "the plugin is created, activated and processes a block of silence", 1, load),
    Check("descriptor", "what the scanner reported (name, ports, parameter count, editor) is what the loaded "
                        "plugin says, and every parameter has a name, a unique id and a default within its range",
          1, descriptor),
)
