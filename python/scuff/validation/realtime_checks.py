"""What only a host that owns the process can see: the plugin's process calls allocating,
waiting for locks or making blocking system calls on the audio thread (counted by the
sandbox, per call site), and host functions called from the wrong thread."""

from __future__ import annotations

import numpy as np

from ..events.notes import Event, NoteOff, NoteOn
from .bench import Bench, Rig
from .check import Check, Outcome, verdict
from .param_values import random_value, settable

REALTIME_REPORT = "real-time safety: "
THREAD_REPORT = "thread rule: "


def _exercise(rig: Rig, bench: Bench) -> None:
    """Processing with parameter automation and, for a note input, notes: what a session does."""
    size = rig.group.block_size
    params = settable(rig.device)
    events: list[Event] | None = [NoteOn(size // 3, 60, 0.8), NoteOff(size * 2, 60)] if rig.device.note_inputs else None
    rig.render(bench.noise(bench.frames()), events=events)
    for _ in range(8):
        for param in params[:16]:
            rig.device.schedule_param(param.id, random_value(param, bench.rng), int(bench.rng.integers(0, size)))
        rig.process(bench.noise(int(bench.rng.integers(1, size + 1))))


def realtime(bench: Bench) -> Outcome:
    rig = bench.rig(realtime_checks=True)
    _exercise(rig, bench)
    lines = [line[len(REALTIME_REPORT):] for line in rig.messages() if line.startswith(REALTIME_REPORT)]
    counted = [line for line in lines if any(kind in line for kind in bench.tol.realtime_kinds)]
    ignored = len(lines) - len(counted)
    note = f"; {ignored} finding(s) of kinds this strictness does not count" if ignored else ""
    return verdict(counted, f"no {', '.join(bench.tol.realtime_kinds)} in process calls{note}",
                   {"findings": lines})


def thread_rules(bench: Bench) -> Outcome:
    rig = bench.rig()
    _exercise(rig, bench)
    for param in settable(rig.device)[:16]:
        rig.device.set_param(param.id, random_value(param, bench.rng))
    rig.device.load(rig.device.save())
    rig.render(np.zeros(bench.frames(), np.float32))
    lines = [line[len(THREAD_REPORT):] for line in rig.messages() if line.startswith(THREAD_REPORT)]
    return verdict(lines, "every host function the plugin called was called from a thread its rules allow")


CHECKS = (
    Check("realtime", "the plugin's process calls do not allocate or free memory, wait for a lock or make "
                      "blocking system calls, as counted by the sandbox on its audio thread", 4, realtime),
    Check("thread-rules", "the plugin calls main-thread host functions only from the main thread, while it "
                          "processes, is automated and saves and loads its state", 2, thread_rules),
)
