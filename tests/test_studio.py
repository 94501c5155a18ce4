"""scuff studio in a real headless Chromium: the plugin browser, the rack, routing by
dragging, parameters with the plugin's own text, rendering, an inspection report, sessions,
a sandbox killed from outside and restarted. Screenshots land in build/artifacts/studio/."""

from __future__ import annotations

import os
import re
import signal
import time

import numpy as np
import pytest
import soundfile

import scuff
from support.studio import STUDIO_PLUGINS, chromium, drag_wire, screenshot, studio

pytest.importorskip("playwright", reason="the test extra installs playwright")

ZAMCOMP = "com.zamaudio.ZamComp"
ZAMEQ2 = "com.zamaudio.ZamEQ2"
# Long enough for a page to show a change made on the server, on a loaded machine.
SHOWN_WITHIN_MS = 20_000


def devices_of(server) -> list[scuff.Device]:
    return [device for sandbox in server.studio.racks[0].group.sandboxes for device in sandbox.devices]


def wait_for(condition, what: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def add_plugin(page, plugin_id: str, count_before: int) -> None:
    page.fill('[data-testid="plugin-search"]', "")
    page.locator(f'[data-testid="plugin"][data-plugin-id="{plugin_id}"] [data-testid="add-plugin"]').click()
    page.locator('[data-testid="device"]').nth(count_before).wait_for(timeout=SHOWN_WITHIN_MS)


def test_a_user_builds_renders_saves_reloads_and_survives_a_crash_in_the_browser(tmp_path):
    source = np.random.default_rng(7).uniform(-0.5, 0.5, (1, 48000)).astype(np.float32)
    soundfile.write(tmp_path / "in.wav", source.T, 48000, subtype="FLOAT")
    with studio() as server, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(server.url)
        page.locator('[data-testid="connection"].online').wait_for(timeout=SHOWN_WITHIN_MS)
        page.locator(f'[data-testid="plugin"][data-plugin-id="{ZAMCOMP}"]').wait_for(timeout=SHOWN_WITHIN_MS)
        # The browser lists both formats and finds by vendor.
        page.fill('[data-testid="plugin-search"]', "zamaudio reverb")
        assert page.locator('[data-testid="plugin"]').count() == 0
        page.fill('[data-testid="plugin-search"]', "Damien ZamEQ2")
        assert sorted(page.locator('[data-testid="plugin"]').evaluate_all("els => els.map(e => e.dataset.format)")) \
            == ["clap", "vst3"]
        screenshot(page, "1-browser")

        add_plugin(page, ZAMCOMP, 0)
        add_plugin(page, ZAMEQ2, 1)
        comp, eq = devices_of(server)
        assert comp.sandbox is not eq.sandbox

        drag_wire(page, comp.id, eq.id)
        page.locator(f'[data-testid="wire"][data-source="{comp.id}"][data-target="{eq.id}"]').wait_for(
            state="attached", timeout=SHOWN_WITHIN_MS)
        assert [(c.source.device, c.target.device) for c in server.studio.racks[0].group.connections] == [(comp, eq)]
        assert page.locator('[data-testid="wire-label"]').text_content() == \
            f"between sandboxes, +{server.studio.racks[0].group.block_size} frames"

        boost = eq.param("Boost/Cut 1")
        slider = page.locator(f'input[data-testid="param"][data-device="{eq.id}"][data-param="{boost.id}"]')
        slider.fill(str(-6.0))
        text = page.locator(f'[data-testid="param-text"][data-device="{eq.id}"][data-param="{boost.id}"]')
        wait_for(lambda: eq.get_param(boost) == -6.0, "the value to reach the plugin")
        expected_text = eq.param_text(boost)
        assert expected_text and expected_text != eq.param_text(boost, boost.default)
        page.wait_for_function("([el, want]) => el.textContent === want", arg=[text.element_handle(), expected_text],
                               timeout=SHOWN_WITHIN_MS)
        screenshot(page, "2-rack-connected")

        page.fill('[data-testid="render-input"]', str(tmp_path / "in.wav"))
        page.fill('[data-testid="render-output"]', str(tmp_path / "out.wav"))
        page.click('[data-testid="render-button"]')
        page.locator('[data-testid="render-result"]', has_text="wrote").wait_for(timeout=60_000)
        rendered, rate = soundfile.read(tmp_path / "out.wav", dtype="float32", always_2d=True)
        assert rate == 48000
        # The same chain built directly renders the same samples.
        with scuff.Client() as client:
            group = client.create_group(sample_rate=48000, block_size=server.studio.racks[0].group.block_size)
            direct_comp = group.create_sandbox().create_device(STUDIO_PLUGINS[0])
            direct_eq = group.create_sandbox().create_device(STUDIO_PLUGINS[1])
            direct_eq.set_param(boost.id, -6.0)
            group.connect(direct_comp.output(0), direct_eq.input(0))
            expected = group.render({direct_comp.input(0): np.repeat(source, comp.inputs[0], axis=0)},
                                    direct_eq.output(0))
        assert np.array_equal(rendered.T, expected)
        assert np.abs(expected).max() > 0.01

        page.locator(f'[data-testid="device"][data-device="{eq.id}"] [data-testid="device-inspect"]').click()
        report = page.locator(f'[data-testid="report"][data-device="{eq.id}"]')
        report.wait_for(timeout=60_000)
        assert "inspection of ZamEQ2: health ok" in report.inner_text()
        assert "measured latency: 0 samples" in report.inner_text()

        session = tmp_path / "studio.scuff"
        page.fill('[data-testid="session-path"]', str(session))
        page.click('[data-testid="session-save"]')
        page.locator('[data-testid="notice-info"]', has_text="saved").wait_for(timeout=SHOWN_WITHIN_MS)
        assert session.stat().st_size > 0

        # A fresh page, and the session loaded from it: what it shows comes from the new group.
        page.reload()
        page.locator('[data-testid="connection"].online').wait_for(timeout=SHOWN_WITHIN_MS)
        page.fill('[data-testid="session-path"]', str(session))
        page.click('[data-testid="session-load"]')
        page.locator('[data-testid="notice-info"]', has_text="loaded").wait_for(timeout=SHOWN_WITHIN_MS)
        loaded_comp, loaded_eq = wait_for(lambda: [d for d in devices_of(server) if d not in (comp, eq)]
                                            if len(devices_of(server)) == 2 and comp not in devices_of(server)
                                            else None, "the loaded devices")
        assert loaded_eq.get_param(boost) == -6.0
        page.locator(f'[data-testid="wire"][data-source="{loaded_comp.id}"][data-target="{loaded_eq.id}"]').wait_for(
            state="attached", timeout=SHOWN_WITHIN_MS)
        loaded_text = page.locator(
            f'[data-testid="param-text"][data-device="{loaded_eq.id}"][data-param="{boost.id}"]')
        assert loaded_text.inner_text() == expected_text
        screenshot(page, "3-session-loaded")

        # Killed from outside: the page says so, and its restart button brings it back.
        sandbox = loaded_eq.sandbox
        old_pid = sandbox.pid
        os.kill(old_pid, signal.SIGKILL)
        box = page.locator(f'[data-testid="sandbox"]:has([data-device="{loaded_eq.id}"])')
        box.locator('[data-testid="sandbox-state"]', has_text="crashed").wait_for(timeout=SHOWN_WITHIN_MS)
        crash = page.locator(f'[data-testid="notice-error"][data-sandbox="{box.get_attribute("data-sandbox")}"]',
                             has_text="crashed")
        crash.wait_for(timeout=SHOWN_WITHIN_MS)
        assert "SIGKILL" in crash.inner_text()
        screenshot(page, "4-crash-shown")
        crash.locator('[data-testid="notice-restart"]').click()
        box.locator('[data-testid="sandbox-state"]', has_text="running").wait_for(timeout=SHOWN_WITHIN_MS)
        assert sandbox.state == "running" and sandbox.pid != old_pid
        assert box.locator('[data-testid="sandbox-pid"]').inner_text() == f"pid {sandbox.pid}"
        assert loaded_eq.get_param(boost) == -6.0
        screenshot(page, "5-restarted")


def viewable(window) -> bool:
    """Whether an X window is shown; one destroyed is not."""
    from Xlib import X, error

    try:
        return window.get_attributes().map_state == X.IsViewable
    except error.BadWindow:
        return False


def test_the_editor_button_opens_and_hides_the_plugins_own_editor(monkeypatch):
    from support.x11 import XClient, xvfb_display

    with xvfb_display() as display_name:
        # Sandboxes inherit the client's environment: they find the display here.
        monkeypatch.setenv("DISPLAY", display_name)
        x = XClient(display_name)
        try:
            with studio() as server, chromium() as browser:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(server.url)
                page.locator(f'[data-testid="plugin"][data-plugin-id="{ZAMCOMP}"]').wait_for(timeout=SHOWN_WITHIN_MS)
                add_plugin(page, ZAMCOMP, 0)
                [device] = devices_of(server)
                page.locator(f'[data-testid="device"][data-device="{device.id}"] [data-testid="device-editor"]').click()
                page.locator('[data-testid="device-editor"]', has_text="Hide editor").wait_for(timeout=SHOWN_WITHIN_MS)
                assert device.editor_visible and device.editor_window
                window = x.display.create_resource_object("window", device.editor_window)
                wait_for(lambda: viewable(window), "the editor's window to be mapped")
                page.locator('[data-testid="device-editor"]', has_text="Hide editor").click()
                page.locator('[data-testid="device-editor"]', has_text=re.compile("^Editor$")).wait_for(
                    timeout=SHOWN_WITHIN_MS)
                assert not device.editor_visible
                wait_for(lambda: not viewable(window), "the editor's window to go")
        finally:
            x.close()


def test_a_device_card_dragged_onto_another_sandbox_moves_there_and_a_second_rack_is_its_own_group():
    with studio() as server, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(server.url)
        page.locator(f'[data-testid="plugin"][data-plugin-id="{ZAMCOMP}"]').wait_for(timeout=SHOWN_WITHIN_MS)
        add_plugin(page, ZAMCOMP, 0)
        add_plugin(page, ZAMEQ2, 1)
        comp, eq = devices_of(server)
        eq.set_param("Boost/Cut 1", 4.5)
        comp_sandbox = comp.sandbox
        comp_box = page.locator(f'[data-testid="sandbox"]:has([data-device="{comp.id}"])')
        page.locator(f'[data-testid="device"][data-device="{eq.id}"] [data-testid="device-name"]').drag_to(comp_box)
        # Two devices in the first sandbox, the emptied one gone.
        comp_box.locator('[data-testid="device"]').nth(1).wait_for(timeout=SHOWN_WITHIN_MS)
        assert page.locator('[data-testid="sandbox"]').count() == 1
        [moved] = [device for device in comp_sandbox.devices if device is not comp]
        assert moved.plugin_id == ZAMEQ2 and moved.get_param("Boost/Cut 1") == 4.5
        assert server.studio.racks[0].group.sandboxes == [comp_sandbox]
        screenshot(page, "6-moved")

        # A second rack: a group of its own, at its own rate and block size.
        page.fill('[data-testid="rack-rate"]', "44100")
        page.fill('[data-testid="rack-block"]', "256")
        page.click('[data-testid="rack-new"]')
        second = page.locator('[data-testid="rack-section"]').nth(1)
        second.wait_for(timeout=SHOWN_WITHIN_MS)
        assert "44100 Hz · 256 frames" in second.locator(".rack-title").text_content()
        page.select_option('[data-testid="add-target"]', label="a new sandbox in rack 2")
        page.locator(f'[data-testid="plugin"][data-plugin-id="{ZAMCOMP}"] [data-testid="add-plugin"]').click()
        second.locator('[data-testid="device"]').wait_for(timeout=SHOWN_WITHIN_MS)
        assert server.studio.racks[1].group.sample_rate == 44100 and len(server.studio.racks[1].devices()) == 1
        screenshot(page, "7-two-racks")
