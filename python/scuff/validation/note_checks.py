"""Notes, for plugins with a note input and an audio output: a note starts at its exact frame
and ends after its note-off, all-notes-off and the host's panic silence every voice."""

from __future__ import annotations

import numpy as np

from ..events.notes import Event, Midi, NoteOff, NoteOn
from .bench import Bench, Rig
from .check import Check, Outcome, verdict

VOICES = (48, 55, 60, 64, 67, 72, 76, 79)


def _loud(output: np.ndarray, level: float) -> np.ndarray:
    return np.flatnonzero(np.max(np.abs(np.nan_to_num(output)), axis=0) > level)


def _silent_within(rig: Rig, bench: Bench, what: str, problems: list[str]) -> None:
    """Renders silence until the output is silent, for at most the longest tail allowed."""
    chunk = bench.frames(seconds=0.25)
    for _ in range(int(np.ceil(bench.tol.max_tail_seconds / 0.25))):
        if not len(_loud(rig.render(np.zeros(chunk, np.float32)), bench.tol.silence_level)):
            return
    problems.append(f"still sounds {bench.tol.max_tail_seconds:g} s after {what}")


def notes(bench: Bench) -> Outcome:
    rig = bench.rig()
    if not rig.device.note_inputs:
        return Outcome.skip("the plugin has no note input")
    if not rig.channels_out:
        return Outcome.skip("the plugin has no audio output to hear its notes on")
    block, level, latency = rig.group.block_size, bench.tol.silence_level, rig.device.latency
    problems: list[str] = []
    start = 2 * block + int(bench.rng.integers(1, block))
    length = bench.frames(seconds=0.1) + int(bench.rng.integers(0, block))
    frames = start + length + block
    output = rig.render(np.zeros(frames, np.float32), events=[NoteOn(start, 60, 0.8), NoteOff(start + length, 60)])
    loud = _loud(output, level)
    if not len(loud):
        problems.append(f"a note-on at frame {start} gave no sound")
    elif loud[0] < start + latency:
        problems.append(f"a note-on at frame {start} sounded from frame {loud[0]}, before its frame "
                        f"(latency {latency}): it was not placed at its exact frame")
    elif loud[0] > start + latency + block:
        problems.append(f"a note-on at frame {start} sounded only from frame {loud[0]}")
    onset = int(loud[0]) if len(loud) else None
    _silent_within(rig, bench, "its note-off", problems)

    chord: list[Event] = [NoteOn(i, key, 0.7) for i, key in enumerate(VOICES)]
    rig.render(np.zeros(block * 4, np.float32), events=chord)
    rig.render(np.zeros(block, np.float32), events=[Midi(0, bytes((0xB0, 123, 0)))])
    strict_cc = bench.tol.strictness >= 6
    cc_problems: list[str] = []
    _silent_within(rig, bench, "all-notes-off (MIDI CC 123)", cc_problems)
    if cc_problems:
        rig.group.panic()
        _silent_within(rig, bench, "the host's panic", problems)
    if strict_cc:
        problems += cc_problems
    rig.render(np.zeros(block * 4, np.float32), events=chord)
    rig.group.panic()
    _silent_within(rig, bench, "the host's panic", problems)
    cc_note = "; it ignores all-notes-off (MIDI CC 123)" if cc_problems and not strict_cc else ""
    return verdict(problems, f"a note-on at frame {start} sounded from frame {onset} (latency {latency}) and "
                             f"stopped after its note-off; a chord of {len(VOICES)} stopped at all-notes-off "
                             f"and at the host's panic{cc_note}")


CHECKS = (
    Check("notes", "a note sounds from its exact frame (no earlier) and stops after its note-off; all-notes-off "
                   "and the host's panic silence a chord", 2, notes),
)
