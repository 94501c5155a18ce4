"""What comes out: silence for silence (or a tail that ends), the same output for the same
input and state, and the same again after the plugin is made anew or its process restarted."""

from __future__ import annotations

import numpy as np

from ..events.notes import Event, NoteOff, NoteOn
from .bench import Bench, Rig
from .check import Check, Outcome, verdict
from .fresh_instances import differ_between_fresh_instances
from .param_values import random_values
from .signals import difference, peak

CHUNK_SECONDS = 0.25


def _input_events(rig: Rig, frames: int) -> list[Event]:
    """For a plugin with a note input, a few notes within the render; none otherwise."""
    if not rig.device.note_inputs:
        return []
    events: list[Event] = []
    for index, key in enumerate((60, 64, 67)):
        start = frames * index // 6
        events += [NoteOn(start, key, 0.8), NoteOff(start + frames // 3, key)]
    return events


def silence(bench: Bench) -> Outcome:
    rig = bench.rig()
    if not rig.channels_out:
        return Outcome.skip("the plugin has no audio output")
    if not rig.channels_in and not rig.device.note_inputs:
        return Outcome.skip("a generator (no audio or note input): nothing to be silent for")
    level = bench.tol.silence_level
    chunk = bench.frames(seconds=CHUNK_SECONDS)
    first = peak(rig.render(np.zeros(chunk, np.float32)))
    problems = [f"gives {first:.3g} for silence before any input (the limit is {level:g})"] if first > level else []
    rig.render(bench.noise(bench.frames()), events=_input_events(rig, bench.frames()))
    chunks = int(np.ceil(bench.tol.max_tail_seconds / CHUNK_SECONDS))
    tail = None
    last = 0.0
    for index in range(chunks):
        last = peak(rig.render(np.zeros(chunk, np.float32)))
        if last <= level:
            tail = index * CHUNK_SECONDS
            break
    if tail is None:
        problems.append(f"still outputs {last:.3g} {bench.tol.max_tail_seconds:g} s after its input stopped")
    return verdict(problems, f"silence for silence; after noise, silent again within {tail} s "
                             f"(below {level:g})", {"tail_seconds": tail})


def determinism(bench: Bench) -> Outcome:
    first = bench.rig()
    values = random_values(first.device, bench.rng)
    signal = bench.noise(bench.frames())
    outputs = []
    for rig in (first, bench.rig()):
        for param, value in values.items():
            rig.device.set_param(param, value)
        outputs.append(rig.render(signal, events=_input_events(rig, len(signal))))
    off = difference(outputs[0], outputs[1])
    problems = ([f"two fresh instances with the same input and parameters differ by up to {off:.3g}"]
                if off > bench.tol.determinism_tolerance else [])
    return verdict(problems, f"two fresh instances rendered the same within {bench.tol.determinism_tolerance:g} "
                             f"(largest difference {off:.3g})")


def reset(bench: Bench) -> Outcome:
    rig = bench.rig()
    values = random_values(rig.device, bench.rng)
    signal = bench.noise(bench.frames())
    for param, value in values.items():
        rig.device.set_param(param, value)
    expected = rig.render(signal)
    rig.sandbox.remove_device(rig.device)
    again = rig.sandbox.create_device(bench.subject.path, plugin_id=bench.subject.plugin_id)
    for param, value in values.items():
        again.set_param(param, value)
    remade = Rig(rig.group, rig.sandbox, again, bench.log)
    renders = {"re-created in the same process": remade.render(signal)}
    # The values are set again after the restart (rather than left to the state), so that a
    # plugin that does not restore its state fails the state tests alone.
    rig.sandbox.restart()
    for param, value in values.items():
        again.set_param(param, value)
    renders["after its sandbox restarted"] = remade.render(signal)
    differ = {what: difference(expected, got) for what, got in renders.items()}
    problems = [f"renders differently {what} (by up to {off:.3g})" for what, off in differ.items()
                if off > bench.tol.determinism_tolerance]
    if problems and differ_between_fresh_instances(bench, values, signal, expected):
        return Outcome(True, "not judged: two fresh instances with the same values differ (see determinism)")
    return verdict(problems, "renders the same when re-created in the same process and after its sandbox "
                             "restarted")


CHECKS = (
    Check("silence", "silence in gives silence out, and after noise the output falls silent again within the "
                     "longest tail allowed", 2, silence),
    Check("determinism", "two fresh instances with the same parameters and input render the same", 3, determinism),
    Check("reset", "a device made anew in the same process, and one whose sandbox restarted, renders what the "
                   "first rendered", 3, reset),
)
