"""State: a save and load round trip, garbage and empty states, and a state restored in a
fresh instance."""

from __future__ import annotations

import numpy as np

from ..errors import ScuffError
from .bench import Bench
from .check import Check, Outcome, verdict
from .fresh_instances import differ_between_fresh_instances
from .param_values import random_values, readback_problems, settable
from .signals import difference

VST3_STATE_MAGIC = b"SCUFFV3S"


def state_round_trip(bench: Bench) -> Outcome:
    rig = bench.rig()
    device = rig.device
    problems: list[str] = []
    block = np.zeros(rig.group.block_size, np.float32)
    for _ in range(bench.tol.rounds):
        values = random_values(device, bench.rng)
        for param, value in values.items():
            device.set_param(param, value)
        # As in a session, audio runs between edits and saves: some plugins take a value only
        # in a block of audio.
        rig.render(block)
        saved = device.save()
        for param, value in random_values(device, bench.rng).items():
            device.set_param(param, value)
        rig.render(block)
        device.load(own_state(saved))
        rig.render(block)
        problems += readback_problems(device, values, bench.tol.param_tolerance, "after loading the state")
        again = device.save()
        if plugin_bytes(again) != plugin_bytes(saved) and bench.tol.state_bytes_identical:
            problems.append(f"a second save gives other bytes ({len(again)} against {len(saved)}, "
                            f"first difference at byte {_first_difference(saved, again)})")
    return verdict(problems, f"{len(settable(device))} parameters came back within "
                             f"{bench.tol.param_tolerance:g} of their range; the second save was identical")


def plugin_bytes(state: bytes) -> bytes:
    """What the plugin itself saved. A VST3 device's state (cpp/sandbox/vst3/state.hpp) ends
    with the values the host held that may not have reached the component yet: scuff's, not the
    plugin's, and dropped once the plugin reports those values itself."""
    if not state.startswith(VST3_STATE_MAGIC) or len(state) < 20:
        return state
    component = int.from_bytes(state[12:20], "little")
    end = 20 + component
    if len(state) < end + 8:
        return state
    controller = int.from_bytes(state[end:end + 8], "little")
    return state[:end + 8 + controller]


def own_state(state: bytes) -> bytes:
    """The state with only what the plugin saved: the values a VST3 device keeps beside the
    plugin's bytes would restore the parameters of a plugin that ignores its state, which no
    other host would."""
    own = plugin_bytes(state)
    return state if own == state else own + bytes(8)


def _first_difference(a: bytes, b: bytes) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


def state_garbage(bench: Bench) -> Outcome:
    rig = bench.rig()
    device = rig.device
    saved = device.save()
    garbage = [("empty", b""), ("one byte", b"\0"), ("random", bench.rng.bytes(int(bench.rng.integers(1, 4096)))),
               ("truncated", saved[:len(saved) // 2]), ("flipped", bytes(b ^ 0xFF for b in saved)),
               ("doubled", saved + saved)]
    refused = []
    for what, data in garbage:
        try:
            device.load(data)
        except ScuffError as error:
            if rig.sandbox.state != "running":
                raise
            refused.append(f"{what} ({' '.join(str(error).split())[:60]})")
    output = rig.render(bench.noise(bench.frames()))
    problems = [] if rig.sandbox.state == "running" else [f"the sandbox is {rig.sandbox.state}"]
    device.load(saved)
    return verdict(problems, f"loaded {len(garbage)} broken states without harm; refused: "
                             f"{', '.join(refused) or 'none'}; then processed {output.shape[-1]} frames")


def state_fresh_instance(bench: Bench) -> Outcome:
    first = bench.rig()
    values = random_values(first.device, bench.rng)
    for param, value in values.items():
        first.device.set_param(param, value)
    signal = bench.noise(bench.frames())
    expected = first.render(signal)
    saved = first.device.save()
    second = bench.rig()
    second.device.load(own_state(saved))
    problems = readback_problems(second.device, values, bench.tol.param_tolerance, "in a fresh instance")
    got = second.render(signal)
    off = difference(expected, got)
    note = ""
    if off > bench.tol.determinism_tolerance:
        if differ_between_fresh_instances(bench, values, signal, expected):
            note = "; output not compared: two fresh instances with the same values differ (see determinism)"
        else:
            problems.append(f"renders differently from the instance it was saved from (by up to {off:.3g})")
    return verdict(problems, f"the state restored {len(values)} parameter values in a fresh instance, which "
                             f"rendered the same within {bench.tol.determinism_tolerance:g}{note}")


CHECKS = (
    Check("state-round-trip", "parameters set at random, saved, changed and loaded again come back within "
                              "tolerance, and a second save gives the same bytes", 2, state_round_trip),
    Check("state-garbage", "loading empty, truncated, random and corrupted states neither crashes nor hangs "
                           "the plugin, which then still processes", 2, state_garbage),
    Check("state-fresh-instance", "a state loaded into a fresh instance restores the parameters and renders "
                                  "what the original instance rendered", 3, state_fresh_instance),
)
