"""scuff studio playing live through a private JACK server: eight sandboxes in a chain, the
meters and counts on the page, and a sandbox killed meanwhile shown as crashed while the
rest plays on."""

from __future__ import annotations

import os
import signal
import sys

import pytest

from support.jack_server import Player, jack_server
from support.signals import noise
from support.studio import chromium, request, screenshot, studio
from support.test_plugins import GAIN_ID
from support.waiting import wait_until

pytest.importorskip("playwright", reason="the test extra installs playwright")

SANDBOXES = 8
PERIOD = 256
SHOWN_WITHIN_MS = 20_000


def box_of(page, device: int):
    return page.locator(f'[data-testid="sandbox"]:has([data-device="{device}"])')


@pytest.fixture
def quick_gil_handover():
    # The feeder's process callback is Python: it needs the GIL within a period, so the
    # studio's threads must hand it over sooner than every 5 ms.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.0002)
    yield
    sys.setswitchinterval(interval)


def test_eight_sandboxes_play_live_with_meters_and_a_crash_is_shown_while_they_play(test_plugins, quick_gil_handover):
    plugins = test_plugins / "scuff-test-plugins.clap"
    with jack_server(period=PERIOD) as server_name, studio(extra_paths=[str(plugins)]) as server, \
            chromium() as browser:
        wait_until(lambda: not request(server, "/api/plugins")[1]["scanning"], timeout=60, what="the scan")
        devices = []
        for _ in range(SANDBOXES):
            status, reply = request(server, "/api/devices", {"plugin": GAIN_ID})
            assert status == 200, reply
            devices.append(reply["id"])
        for source, target in zip(devices, devices[1:], strict=False):
            assert request(server, "/api/connections", {"source": {"device": source, "index": 0},
                                                        "target": {"device": target, "index": 0}})[0] == 200
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(server.url)
        page.locator('[data-testid="sandbox"]').nth(SANDBOXES - 1).wait_for(timeout=SHOWN_WITHIN_MS)
        page.fill('[data-testid="live-server"]', server_name)
        page.click('[data-testid="live-play"]')
        page.locator('[data-testid="live-status"]', has_text="playing").wait_for(timeout=SHOWN_WITHIN_MS)
        player = server.studio.racks[0].player
        assert player is not None and player.source.id == devices[0] and player.sink.id == devices[-1]

        feeder = Player(server_name, name="feeder", outputs=1)
        try:
            player.host.connect_inputs(["feeder:out_1"])
            feeder.play([noise(1, 48000 * 30, seed=3)[0] * 0.5])
            # The meter shows what the last sandbox plays, eight blocks after the first.
            page.wait_for_function(
                "() => [...document.querySelectorAll('[data-testid=meter]')].some(m => Number(m.dataset.peak) > 0.01)",
                timeout=SHOWN_WITHIN_MS)
            screenshot(page, "live-8-sandboxes")

            victim = server.studio.racks[0].group.sandboxes[4]
            victim_id = int(box_of(page, devices[4]).get_attribute("data-sandbox"))
            cycles_before = player.host.stats().cycles
            os.kill(victim.pid, signal.SIGKILL)
            box = box_of(page, devices[4])
            box.locator('[data-testid="sandbox-state"]', has_text="crashed").wait_for(timeout=SHOWN_WITHIN_MS)
            # One notice per sandbox, the newest: the crash replaced any notice before it.
            crash = page.locator(f'[data-testid="notice-error"][data-sandbox="{victim_id}"]', has_text="crashed")
            crash.wait_for(timeout=SHOWN_WITHIN_MS)
            assert page.locator(f'[data-testid="notice-error"][data-sandbox="{victim_id}"]').count() == 1
            # A starved machine may make another sandbox miss cycles for a moment (shown as
            # unresponsive, and counted); none but the victim crashed.
            states = page.locator('[data-testid="sandbox-state"]').all_inner_texts()
            assert states.count("crashed") == 1 and set(states) <= {"crashed", "running", "unresponsive"}, states
            # Playing went on: the server's callbacks kept coming, and the page counts them.
            wait_until(lambda: player.host.stats().cycles > cycles_before + 20, timeout=10, what="more cycles")
            shown = page.locator('[data-testid="live-status"]').inner_text()
            assert int(shown.split(": ")[1].split(" cycles")[0]) > cycles_before, shown
            lags = page.evaluate("window.studioLags")
            assert lags, "the page recorded no change of state"
            print(f"state changes shown {[round(lag * 1000) for lag in lags]} ms after the server saw them")
            screenshot(page, "live-crash-shown")

            crash.locator('[data-testid="notice-restart"]').click()
            box.locator('[data-testid="sandbox-state"]', has_text="running").wait_for(timeout=SHOWN_WITHIN_MS)
            # The chain plays through the restarted sandbox again.
            page.wait_for_function(
                "() => [...document.querySelectorAll('[data-testid=meter]')].some(m => Number(m.dataset.peak) > 0.01)",
                timeout=SHOWN_WITHIN_MS)
        finally:
            feeder.close()
        page.click('[data-testid="live-stop"]')
        page.locator('[data-testid="live-status"]', has_text="stopped").wait_for(timeout=SHOWN_WITHIN_MS)
        assert server.studio.racks[0].player is None
