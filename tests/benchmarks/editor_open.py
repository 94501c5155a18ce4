"""How long an editor takes to appear: for every zam plugin, CLAP and VST3, from
`show_editor` in a fresh sandbox under the default limits (x11="auto": a nested X server of
the sandbox's own, started by its first editor, where Xephyr is installed) to its window
mapped as an X client sees it, and to the window holding the plugin's drawing (under Xvfb,
Mesa's software OpenGL). Baseline from the same round: the time to start an empty sandbox."""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from stats import Spread, fmt_seconds, print_table

import scuff

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from support.x11 import XClient, xvfb_display  # noqa: E402

# From show_editor() in a fresh sandbox to the window holding the plugin's drawing.
GOAL_S = 0.300
ZAM_FILES = [*sorted(Path("/usr/lib/clap").glob("Za*.clap")), *sorted(Path("/usr/lib/vst3").glob("Za*.vst3"))]
# A window is read at most this often while waiting for its drawing: reading it is costly.
DRAWN_POLL_S = 0.005


@dataclass(frozen=True)
class EditorTimes:
    """Per plugin, one figure per round: each round starts an empty sandbox (the baseline),
    then a fresh sandbox with the plugin, whose editor is timed to mapped and to drawn."""

    sandbox_start_s: dict[str, list[float]]
    mapped_s: dict[str, list[float]]
    drawn_s: dict[str, list[float]]


def wait(condition: Callable[[], bool], poll: float, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not happen within {timeout:g} s")
        time.sleep(poll)


def time_editor(group: scuff.Group, x: XClient, path: Path) -> tuple[float, float, float]:
    """(empty sandbox start, show_editor to mapped, show_editor to drawn) in fresh sandboxes."""
    started = time.perf_counter()
    group.create_sandbox().close()
    start = time.perf_counter() - started
    sandbox = group.create_sandbox()
    try:
        device = sandbox.create_device(str(path))
        started = time.perf_counter()
        device.show_editor()
        window = device.editor_window
        assert window is not None
        wait(lambda: x.is_viewable(window), 0.0005, f"{path.name}'s editor mapped")
        mapped = time.perf_counter() - started
        wait(lambda: x.is_drawn(window), DRAWN_POLL_S, f"{path.name}'s editor drawn")
        return start, mapped, time.perf_counter() - started
    finally:
        sandbox.close()


def run(rounds: int) -> EditorTimes:
    with xvfb_display() as name:
        os.environ["DISPLAY"] = name
        x = XClient(name)
        try:
            with scuff.Client(app_name="scuff bench", autosave_interval=None) as client:
                group = client.create_group()
                times: tuple[dict[str, list[float]], ...] = ({}, {}, {})
                for _ in range(rounds):
                    for path in ZAM_FILES:
                        for kind, seconds in zip(times, time_editor(group, x, path), strict=True):
                            kind.setdefault(path.name, []).append(seconds)
                return EditorTimes(*times)
        finally:
            x.close()
            os.environ.pop("DISPLAY", None)


def report(times: EditorTimes, rounds: int) -> None:
    rows = [(name, Spread(tuple(times.mapped_s[name])).text(fmt_seconds),
             Spread(tuple(drawn)).text(fmt_seconds),
             str(Spread.of_ratios(drawn, times.sandbox_start_s[name])))
            for name, drawn in times.drawn_s.items()]
    print_table(f"Editors: show_editor in a fresh sandbox to window mapped and to drawn, {rounds} rounds",
                ["plugin", "mapped [middle half]", "drawn [middle half]", "drawn / empty sandbox start"], rows,
                notes=["drawn: the window holds more than 16 colours. Each round starts an empty sandbox "
                       "just before, the baseline of its ratio."])


def goal_lines(times: EditorTimes) -> list[str]:
    slowest = max(times.drawn_s, key=lambda name: statistics.median(times.drawn_s[name]))
    drawn = Spread(tuple(times.drawn_s[slowest]))
    return [f"  slowest zam editor to drawn ({slowest}): {drawn.text(fmt_seconds)}  "
            f"{drawn.goal(GOAL_S, fmt_seconds)}"]
