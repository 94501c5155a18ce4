"""scuff's host side of CLAP: every host extension and callback a plugin may use is answered.

The host-callbacks test plugin calls each of them and counts, in read-only parameters, what it saw:
timer ticks, flushes that answered its request_flush, state dirty marks, and any call on a thread or in
an activation state that CLAP's rules forbid.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import numpy as np
import pytest

import scuff
from support.signals import noise
from support.test_plugins import (
    GAIN_ID,
    HOST_CALLBACKS_ID,
    HOST_CALLBACKS_MAX_LATENCY,
    HOST_CALLBACKS_PONG,
    HOST_CALLBACKS_TIMER_MS,
    PLUGINS_FILE,
)

# Plugin callbacks are acted on by the sandbox's main loop and reported to the client asynchronously.
DEADLINE = 5.0

COUNTERS = ("Timer ticks", "Thread violations", "Lifecycle violations", "Requested flushes", "Dirty marks",
            "Missing host extensions")


def wait_for(condition: Callable[[], object], what: str, timeout: float = DEADLINE) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.01)


@pytest.fixture
def create(test_plugins) -> Callable[[scuff.Sandbox], scuff.Device]:
    def create(sandbox: scuff.Sandbox) -> scuff.Device:
        return sandbox.create_device(test_plugins / PLUGINS_FILE, plugin_id=HOST_CALLBACKS_ID)
    return create


@pytest.fixture
def sandbox(group) -> scuff.Sandbox:
    return group.create_sandbox()


@pytest.fixture
def plugin(sandbox, create) -> scuff.Device:
    return create(sandbox)


def assert_rules_kept(device: scuff.Device) -> None:
    assert device.get_param("Thread violations") == 0
    assert device.get_param("Lifecycle violations") == 0


def change_latency(device: scuff.Device, latency: int) -> None:
    device.set_param("Latency", latency)
    wait_for(lambda: device.latency == latency, f"the device's latency to become {latency}")


def assert_delayed(output: np.ndarray, signal: np.ndarray, delay: int) -> None:
    assert output.shape == signal.shape
    np.testing.assert_array_equal(output[:, :delay], 0.0)
    np.testing.assert_array_equal(output[:, delay:], signal[:, :signal.shape[1] - delay])


def test_the_plugin_finds_every_host_extension_and_describes_its_parameters(plugin):
    assert plugin.get_param("Missing host extensions") == 0
    by_name = {p.name: p for p in plugin.params}
    assert list(by_name) == ["Latency", "Ping", *COUNTERS]
    latency = by_name["Latency"]
    assert (latency.min, latency.max, latency.default) == (0, HOST_CALLBACKS_MAX_LATENCY, 0)
    assert latency.is_stepped and not latency.is_readonly
    assert by_name["Ping"].is_stepped and by_name["Ping"].max == 1
    assert all(by_name[name].is_readonly for name in COUNTERS)
    assert plugin.latency == 0
    assert_rules_kept(plugin)


def test_request_restart_reactivates_the_plugin_with_its_new_latency(group, plugin):
    x = noise(2, 4096, seed=1)
    np.testing.assert_array_equal(group.render({plugin: x}, plugin), x)
    # Not a multiple of the block size, so a delay off by a block would show.
    change_latency(plugin, 300)
    assert plugin.get_param("Latency") == 300
    assert_delayed(group.render({plugin: x}, plugin), x, 300)
    change_latency(plugin, 0)
    np.testing.assert_array_equal(group.render({plugin: x}, plugin), x)
    assert_rules_kept(plugin)


def test_a_latency_change_arriving_in_a_process_call_restarts_the_plugin_too(group, plugin):
    block = noise(2, group.block_size, seed=2)
    plugin.schedule_param("Latency", 700, frame=100)
    # The latency only changes at the restart the plugin asks for from inside process().
    np.testing.assert_array_equal(group.process({plugin: block}, plugin), block)
    wait_for(lambda: plugin.latency == 700, "the device's latency to become 700")
    x = noise(2, 3000, seed=3)
    assert_delayed(group.render({plugin: x}, plugin), x, 700)
    assert_rules_kept(plugin)


def test_a_restart_asked_for_in_a_chunked_render_lands_before_the_next_block_on_every_run(group, sandbox, create):
    # Blocks of a chunk follow each other at once; without waiting for the restart the plugin asked for
    # in block 0, it would land at whichever block the sandbox's main thread got to first.
    block = group.block_size
    x = noise(2, 8 * block, seed=6)
    expected = np.concatenate([x[:, :block], np.zeros((2, 300), np.float32), x[:, block:-300]], axis=1)
    for _ in range(5):
        plugin = create(sandbox)
        plugin.schedule_param("Latency", 300, frame=100)
        np.testing.assert_array_equal(group.render({plugin: x}, plugin, chunked=True), expected)
        wait_for(lambda device=plugin: device.latency == 300, "the device's latency to become 300")
        assert_rules_kept(plugin)


def test_a_restart_keeps_the_other_devices_of_the_sandbox_processing(group, sandbox, plugin, test_plugins):
    gain = sandbox.create_device(test_plugins / PLUGINS_FILE, plugin_id=GAIN_ID)
    gain.set_param("Gain", -20.0)
    change_latency(plugin, 64)
    x = noise(2, 2048, seed=4)
    delayed, attenuated = group.render({plugin: x, gain: x}, [plugin, gain])
    assert_delayed(delayed, x, 64)
    np.testing.assert_allclose(attenuated, x * np.float32(0.1), rtol=1e-6)
    assert_rules_kept(plugin)


def test_loading_a_state_with_another_latency_restarts_the_plugin(group, plugin, create):
    change_latency(plugin, 128)
    state = plugin.save()
    other = create(group.create_sandbox())
    assert other.latency == 0
    other.load(state)
    assert other.get_param("Latency") == 128
    wait_for(lambda: other.latency == 128, "the loading device's latency to become 128")
    x = noise(2, 1024, seed=5)
    a, b = group.render({plugin: x, other: x}, [plugin, other])
    assert_delayed(a, x, 128)
    np.testing.assert_array_equal(a, b)
    assert_rules_kept(other)


def test_request_callback_runs_on_the_main_thread_and_its_log_reaches_python(caplog, plugin):
    caplog.set_level(logging.INFO, logger="scuff.sandbox")

    def pongs() -> list[logging.LogRecord]:
        return [r for r in caplog.records
                if r.name == "scuff.sandbox" and r.getMessage().endswith(f": {HOST_CALLBACKS_PONG}")]

    plugin.set_param("Ping", 1)
    wait_for(pongs, "the plugin's pong on logger scuff.sandbox")
    (record,) = pongs()
    assert record.levelno == logging.INFO
    assert f"device {plugin.id}: " in record.getMessage()
    # The callback reset Ping on the plugin's side before asking the host to rescan the values.
    assert plugin.get_param("Ping") == 0
    plugin.set_param("Ping", 1)
    wait_for(lambda: len(pongs()) == 2, "a second pong")
    assert_rules_kept(plugin)


def test_params_rescan_from_the_callback_sends_the_client_a_fresh_description(monkeypatch, plugin):
    updates = []
    update = plugin._update
    monkeypatch.setattr(
        plugin, "_update", lambda description: (updates.append(description), update(description)))
    plugin.set_param("Ping", 1)
    wait_for(lambda: updates, "a DeviceChanged message after the rescan")
    assert [p.name for p in updates[-1].params] == [p.name for p in plugin.params]
    assert_rules_kept(plugin)


def test_request_flush_from_the_main_thread_is_answered_by_a_flush(plugin):
    assert plugin.get_param("Requested flushes") == 0
    plugin.set_param("Ping", 1)
    wait_for(lambda: plugin.get_param("Requested flushes") == 1, "the flush the plugin requested")
    # Only a request makes a flush count; set_param's own flushes do not.
    plugin.set_param("Latency", 10)
    assert plugin.get_param("Requested flushes") == 1
    plugin.set_param("Ping", 1)
    wait_for(lambda: plugin.get_param("Requested flushes") == 2, "the second flush the plugin requested")
    assert_rules_kept(plugin)


def test_mark_dirty_is_taken_after_each_parameter_change(plugin):
    assert plugin.get_param("Dirty marks") == 0
    plugin.set_param("Latency", 32)
    # The change arrives on the audio thread; the plugin marks its state dirty from its main-thread callback.
    wait_for(lambda: plugin.get_param("Dirty marks") >= 1, "the plugin to mark its state dirty")
    marks = plugin.get_param("Dirty marks")
    plugin.set_param("Latency", 33)
    wait_for(lambda: plugin.get_param("Dirty marks") > marks, "a second dirty mark")
    assert_rules_kept(plugin)


def test_timers_registered_in_init_tick_on_the_main_thread(sandbox, create):
    started = time.monotonic()
    plugin = create(sandbox)
    time.sleep(0.1)
    first = plugin.get_param("Timer ticks")
    assert first > 0
    time.sleep(0.1)
    second = plugin.get_param("Timer ticks")
    elapsed_ms = (time.monotonic() - started) * 1000
    assert second > first
    # A timer never fires more often than its period.
    assert second <= elapsed_ms / HOST_CALLBACKS_TIMER_MS + 1
    assert_rules_kept(plugin)


def test_timers_stop_with_their_device_and_the_others_keep_ticking(sandbox, create):
    doomed, kept = create(sandbox), create(sandbox)
    sandbox.remove_device(doomed)
    ticks = kept.get_param("Timer ticks")
    wait_for(lambda: kept.get_param("Timer ticks") > ticks + 3, "the remaining device's timer")
    assert_rules_kept(kept)


def test_thread_and_lifecycle_rules_hold_through_a_device_s_whole_life(group, sandbox, create):
    plugin = create(sandbox)
    assert_rules_kept(plugin)
    plugin.set_param("Ping", 1)
    plugin.set_param("Latency", 16)
    assert_rules_kept(plugin)
    wait_for(lambda: plugin.latency == 16, "the restart")
    assert_rules_kept(plugin)
    x = noise(2, 2048, seed=6)
    group.render({plugin: x}, plugin)
    group.process({plugin: x[:, :group.block_size]}, plugin)
    assert_rules_kept(plugin)
    state = plugin.save()
    plugin.set_param("Latency", 0)
    wait_for(lambda: plugin.latency == 0, "the restart to latency 0")
    plugin.load(state)
    wait_for(lambda: plugin.latency == 16, "the restart after loading the state")
    group.render({plugin: x}, plugin)
    assert_rules_kept(plugin)
    # The whole life may have taken less than a timer period.
    wait_for(lambda: plugin.get_param("Timer ticks") > 0, "a timer tick")
    assert_rules_kept(plugin)
    assert plugin.get_param("Missing host extensions") == 0


def test_restarts_while_the_group_renders_keep_every_rule(group, plugin):
    x = noise(2, 4 * group.block_size, seed=7)
    stop = threading.Event()
    errors: list[BaseException] = []

    def render() -> None:
        try:
            while not stop.is_set():
                group.render({plugin: x}, plugin)
        except BaseException as error:  # noqa: BLE001 - reported by the test thread
            errors.append(error)

    renderer = threading.Thread(target=render)
    renderer.start()
    try:
        for latency in (1, 513, 2, 4096, 77):
            change_latency(plugin, latency)
    finally:
        stop.set()
        renderer.join()
    assert not errors
    # Renders follow on from each other: after one whole render at the final latency, the next one starts
    # with the end of the signal before it.
    group.render({plugin: x}, plugin)
    y = group.render({plugin: x}, plugin)
    np.testing.assert_array_equal(y[:, :77], x[:, -77:])
    np.testing.assert_array_equal(y[:, 77:], x[:, :-77])
    assert_rules_kept(plugin)
