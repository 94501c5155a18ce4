"""How fast scuff studio's page shows a change of a sandbox's state: from the client seeing it
(the time the server stamps on the message) to the page showing it (the page's own
record). Eight sandboxes, one test gain each, in a chain; in interleaved rounds the rack is
idle or plays live through a private jackd (dummy driver, 256 frames); each round kills one
sandbox and restarts it, so the page shows crashed, starting and running. The figure is
each round's median lag playing over the idle round beside it, and the lag playing itself
against the goal (200 ms)."""

from __future__ import annotations

import os
import signal
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from stats import Spread

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from support.jack_server import jack_server  # noqa: E402
from support.studio import chromium, request, studio  # noqa: E402
from support.test_plugins import GAIN_ID, PLUGINS_FILE, build_test_plugins  # noqa: E402

SANDBOXES = 8
PERIOD = 256
GOAL_S = 0.2


@dataclass(frozen=True)
class StudioLags:
    idle_s: list[float]      # each idle round's median lag
    playing_s: list[float]   # each playing round's median lag
    every_playing_s: list[float]


def available() -> str | None:
    import shutil

    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is missing (the test extra)"
    if shutil.which("chromium") is None:
        return "chromium is not installed (Debian: chromium)"
    if shutil.which("jackd") is None:
        return "jackd is not installed (Debian: jackd2)"
    return None


def run(rounds: int) -> StudioLags:
    plugins = build_test_plugins(Path(__file__).resolve().parents[2] / "build" / "test-plugins") / PLUGINS_FILE
    idle, playing, every = [], [], []
    with jack_server(period=PERIOD) as server_name, studio(extra_paths=[str(plugins)]) as server, \
            chromium() as browser:
        _wait(lambda: not request(server, "/api/plugins")[1]["scanning"])
        devices = [request(server, "/api/devices", {"plugin": GAIN_ID})[1]["id"] for _ in range(SANDBOXES)]
        for source, target in zip(devices, devices[1:], strict=False):
            request(server, "/api/connections", {"source": {"device": source, "index": 0},
                                                 "target": {"device": target, "index": 0}})
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(server.url)
        page.locator('[data-testid="sandbox"]').nth(SANDBOXES - 1).wait_for(timeout=30_000)
        for round_number in range(2 * rounds):
            # Alternating which comes first in each pair.
            play = (round_number % 2 == 0) == (round_number // 2 % 2 == 0)
            if play:
                request(server, "/api/play", {"server": server_name})
                time.sleep(0.5)
            lags = _one_kill(server, page, devices[round_number % SANDBOXES])
            (playing if play else idle).append(statistics.median(lags))
            if play:
                every.extend(lags)
                request(server, "/api/stop", {})
    return StudioLags(idle, playing, every)


def _one_kill(server, page, device: int) -> list[float]:
    """Kills the device's sandbox and restarts it once the page shows the crash; the lags of
    the state changes the page showed meanwhile."""
    page.evaluate("window.studioLags = []")
    sandbox = next(s for s in server.studio.racks[0].group.sandboxes if any(d.id == device for d in s.devices))
    box = page.locator(f'[data-testid="sandbox"]:has([data-device="{device}"])')
    os.kill(sandbox.pid, signal.SIGKILL)
    box.locator('[data-testid="sandbox-state"]', has_text="crashed").wait_for(timeout=30_000)
    sandbox_id = int(box.get_attribute("data-sandbox"))
    request(server, f"/api/sandboxes/{sandbox_id}/restart", {})
    box.locator('[data-testid="sandbox-state"]', has_text="running").wait_for(timeout=30_000)
    time.sleep(0.2)
    return [float(lag) for lag in page.evaluate("window.studioLags")]


def _wait(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the studio's scan did not finish")
        time.sleep(0.05)


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def report(lags: StudioLags, rounds: int) -> None:
    print(f"\nscuff studio: a change of state shown on the page, {SANDBOXES} sandboxes, {rounds} interleaved "
          "pairs of rounds (idle, playing live)")
    print(f"  idle:    median lag per round {Spread(tuple(lags.idle_s)).text(fmt_ms)}")
    print(f"  playing: median lag per round {Spread(tuple(lags.playing_s)).text(fmt_ms)}; "
          f"slowest of {len(lags.every_playing_s)} changes {fmt_ms(max(lags.every_playing_s))}")
    print(f"  playing / idle, per pair: {Spread.of_ratios(lags.playing_s, lags.idle_s)}")


def goal_lines(lags: StudioLags | None) -> list[str]:
    if lags is None:
        return []
    every = Spread(tuple(lags.every_playing_s))
    return [f"  studio: a change of state shown while {SANDBOXES} sandboxes play: {every.text(fmt_ms)}  "
            f"{every.goal(GOAL_S, fmt_ms)}"]
