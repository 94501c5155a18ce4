"""How long an editor takes to appear: for every zam plugin, CLAP and VST3, from
`show_editor` to its window mapped as an X client sees it (under Xvfb, Mesa's software
OpenGL). Baseline from the same run: the time to start an empty sandbox."""

from __future__ import annotations

import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from stats import fmt_ratio, fmt_seconds, print_table, time_goal

import scuff
from scuff.formats import plugin_format

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from support.x11 import XClient, xvfb_display  # noqa: E402

GOAL_S = 0.300
ZAM_FILES = [*sorted(Path("/usr/lib/clap").glob("Za*.clap")), *sorted(Path("/usr/lib/vst3").glob("Za*.vst3"))]


@dataclass(frozen=True)
class EditorTimes:
    empty_sandbox_s: float
    mapped_s: dict[str, float]


def run(rounds: int) -> EditorTimes:
    with xvfb_display() as name:
        os.environ["DISPLAY"] = name
        x = XClient(name)
        try:
            with scuff.Client(app_name="scuff bench", autosave_interval=None) as client:
                group = client.create_group()
                starts = []
                for _ in range(rounds):
                    started = time.perf_counter()
                    sandbox = group.create_sandbox()
                    starts.append(time.perf_counter() - started)
                    sandbox.close()
                sandboxes = {"clap": group.create_sandbox(), "vst3": group.create_sandbox()}
                mapped: dict[str, float] = {}
                for path in ZAM_FILES:
                    device = sandboxes[plugin_format(path)].create_device(str(path))
                    times = []
                    for _ in range(rounds):
                        started = time.perf_counter()
                        device.show_editor()
                        window = device.editor_window
                        while not x.is_viewable(window):
                            time.sleep(0.0005)
                        times.append(time.perf_counter() - started)
                        device.hide_editor()
                    mapped[path.name] = statistics.median(times)
                return EditorTimes(statistics.median(starts), mapped)
        finally:
            x.close()
            os.environ.pop("DISPLAY", None)


def report(times: EditorTimes, rounds: int) -> None:
    rows = [(name, fmt_seconds(seconds), fmt_ratio(seconds / times.empty_sandbox_s))
            for name, seconds in times.mapped_s.items()]
    print_table(f"Editors: show_editor to window mapped, median of {rounds} (empty sandbox start "
                f"{fmt_seconds(times.empty_sandbox_s)})", ["plugin", "mapped", "/ sandbox start"], rows)


def goal_lines(times: EditorTimes) -> list[str]:
    slowest = max(times.mapped_s, key=times.mapped_s.__getitem__)
    seconds = times.mapped_s[slowest]
    return [f"  slowest zam editor to mapped ({slowest}): {fmt_seconds(seconds)}  {time_goal(seconds, GOAL_S)}"]
