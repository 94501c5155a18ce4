"""What scuff itself spends per note or MIDI event: a render of the project's test
instrument with 10,000 MIDI messages per second that it ignores (CC 1, which it maps to
nothing, with no note sounding), less the same render with none, per event. The events'
whole path counts: the Python API, the engine, the sandbox's ring and the plugin's list."""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from fixtures import SAMPLE_RATE
from stats import Spread, fmt_seconds, print_table

import scuff

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from support.test_plugins import INSTRUMENT_ID, PLUGINS_FILE, build_test_plugins  # noqa: E402

EVENTS_PER_SECOND = 10_000
BLOCK_SIZE = 64
GOAL_SECONDS_PER_EVENT = 1e-6


@dataclass
class EventCost:
    seconds: float
    events: int
    with_events_s: list[float]
    without_s: list[float]

    @property
    def per_event_s(self) -> Spread:
        """(render with events - render without) / events, per interleaved pair."""
        return Spread.of_differences(self.with_events_s, self.without_s, per=self.events)


def run(seconds: float, repetitions: int) -> EventCost:
    plugins = build_test_plugins(Path(__file__).resolve().parents[2] / "build" / "test-plugins")
    frames = int(seconds * SAMPLE_RATE)
    count = int(seconds * EVENTS_PER_SECOND)
    step = frames / count
    events = [scuff.Midi(int(i * step), b"\xb0\x01\x40") for i in range(count)]
    times: dict[bool, list[float]] = {True: [], False: []}
    with scuff.Client() as client:
        group = client.create_group(sample_rate=SAMPLE_RATE, block_size=BLOCK_SIZE)
        synth = group.create_sandbox().create_device(plugins / PLUGINS_FILE, plugin_id=INSTRUMENT_ID)
        group.render({}, synth.output(0), frames=SAMPLE_RATE, events={synth: events[:EVENTS_PER_SECOND]})
        for repetition in range(repetitions):
            # Interleaved, alternating which goes first, so outside load lands on both.
            for with_events in ((True, False) if repetition % 2 == 0 else (False, True)):
                started = time.perf_counter()
                group.render({}, synth.output(0), frames=frames, events={synth: events} if with_events else None)
                times[with_events].append(time.perf_counter() - started)
    return EventCost(seconds, count, times[True], times[False])


def report(cost: EventCost, repetitions: int) -> None:
    print_table(
        f"7. Cost per event: {cost.seconds:g} s at {BLOCK_SIZE} frames through the test instrument, "
        f"{EVENTS_PER_SECOND} MIDI messages per second it ignores, {repetitions} interleaved pairs",
        ["with events", "without", "events", "per event [middle half] pairs", "goal"],
        [[fmt_seconds(statistics.median(cost.with_events_s)), fmt_seconds(statistics.median(cost.without_s)),
          str(cost.events), cost.per_event_s.text(fmt_seconds), cost.per_event_s.goal(GOAL_SECONDS_PER_EVENT,
                                                                                     fmt_seconds)]],
        notes=["per event = (render with events - render without) / events, per pair: the Python API, "
               "the engine, the sandbox's ring and the plugin's event list together. Times are medians."],
    )


def goal_lines(cost: EventCost) -> list[str]:
    verdict = cost.per_event_s.goal(GOAL_SECONDS_PER_EVENT, fmt_seconds)
    return [f"  cost per event: {cost.per_event_s.text(fmt_seconds)}  {verdict}"]
