"""Ten device creations side by side with the async forms, against one: how much longer ten
take than one, as a ratio of the two measured in interleaved pairs (one, then ten, then one
again...), so that the machine's load weighs on both alike. Run alone:
`python tests/benchmarks/async_creation.py [--pairs N]`. Goals are reported, never asserted."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable

from fixtures import ZAMCOMP_CLAP
from stats import Spread, fmt_seconds

import scuff

COUNT = 10
# "Well under ten times one": the goal for ten side by side, in units of one.
GOAL = 5.0


async def _in_new_sandboxes(group: scuff.Group, count: int) -> None:
    async def one() -> None:
        sandbox = await group.create_sandbox_async()
        await sandbox.create_device_async(ZAMCOMP_CLAP)

    await asyncio.gather(*(one() for _ in range(count)))


async def _in_one_sandbox(group: scuff.Group, count: int) -> None:
    sandbox = group.sandboxes[0] if group.sandboxes else await group.create_sandbox_async()
    await asyncio.gather(*(sandbox.create_device_async(ZAMCOMP_CLAP) for _ in range(count)))


def _timed(client: scuff.Client, work: Callable[[scuff.Group, int], Awaitable[None]], count: int,
           warm_sandbox: bool) -> float:
    group = client.create_group()
    try:
        if warm_sandbox:
            group.create_sandbox()
        started = time.perf_counter()
        asyncio.run(work(group, count))  # type: ignore[arg-type]
        return time.perf_counter() - started
    finally:
        group.close()


def run(pairs: int) -> dict[str, tuple[Spread, float, float]]:
    """Per workload: the spread of ten-to-one ratios and the median one and ten, in seconds."""
    results = {}
    with scuff.Client() as client:
        _timed(client, _in_new_sandboxes, 1, False)  # warm the file cache and the first spawn
        for label, work, warm in (("a sandbox and a device each", _in_new_sandboxes, False),
                                  ("devices in one sandbox", _in_one_sandbox, True)):
            ones, tens = [], []
            for index in range(pairs):
                order = (1, COUNT) if index % 2 == 0 else (COUNT, 1)
                times = {count: _timed(client, work, count, warm) for count in order}
                ones.append(times[1])
                tens.append(times[COUNT])
            results[label] = (Spread.of_ratios(tens, ones), statistics.median(ones), statistics.median(tens))
    return results


def report(results: dict[str, tuple[Spread, float, float]], pairs: int) -> None:
    print(f"\n{COUNT} async creations side by side against one ({pairs} interleaved pairs)")
    for label, (spread, one, ten) in results.items():
        print(f"  {label:28} one {fmt_seconds(one):>9}  ten {fmt_seconds(ten):>9}  ten/one {spread}")


def goal_lines(results: dict[str, tuple[Spread, float, float]]) -> list[str]:
    return [f"  {COUNT} async creations ({label}) / one: {spread}  {spread.goal(GOAL)}"
            for label, (spread, _, _) in results.items()]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=7)
    arguments = parser.parse_args()
    report(run(arguments.pairs), arguments.pairs)
