"""What a VST3 plugin gets from its host in a sandbox: the Linux IRunLoop (timers and
descriptor handlers on the sandbox's main thread), IComponentHandler (edits that reach the
client, restartComponent for latency, values and titles), and output parameters."""

from __future__ import annotations

import numpy as np
import pytest

import scuff
from support.signals import noise
from support.test_plugins import (
    VST3_HOST_CALLBACKS_ID,
    VST3_HOST_CALLBACKS_RENAMED,
    VST3_PLUGINS_BUNDLE,
)
from support.waiting import wait_until


@pytest.fixture
def group(client: scuff.Client) -> scuff.Group:
    return client.create_group(sample_rate=48000, block_size=256)


@pytest.fixture
def plugin(group, test_plugins) -> scuff.Device:
    return group.create_sandbox().create_device(test_plugins / VST3_PLUGINS_BUNDLE, plugin_id=VST3_HOST_CALLBACKS_ID)


def test_the_run_loop_serves_timers_and_descriptors_on_the_main_thread(plugin):
    assert plugin.get_param("Missing host interfaces") == 0
    wait_until(lambda: plugin.get_param("Timer ticks") >= 5, what="five timer ticks")
    # Each tick writes to the plugin's eventfd; the main loop calls its handler for it.
    wait_until(lambda: plugin.get_param("FD events") >= 3, what="three descriptor events")
    assert plugin.get_param("Missing host interfaces") == 0


def test_a_latency_change_restarts_the_component_with_its_new_latency(group, plugin):
    x = noise(2, 4096, seed=1)
    np.testing.assert_array_equal(group.render({plugin: x}, plugin), x)
    plugin.set_param("Latency", 300)
    wait_until(lambda: plugin.latency == 300, what="the latency to become 300")
    y = group.render({plugin: x}, plugin)
    np.testing.assert_array_equal(y[:, :300], 0.0)
    np.testing.assert_array_equal(y[:, 300:], x[:, :-300])


def test_an_edit_made_in_the_plugin_reaches_the_client_and_survives_a_restart(group, plugin):
    plugin.save()
    assert plugin.saved_state is not None and not plugin._dirty
    plugin.set_param("Ping", 1)
    # At its next timer tick the plugin answers with beginEdit, performEdit(Ping, 0), endEdit.
    wait_until(lambda: plugin.get_param("Ping") == 0, what="the plugin's own edit of Ping")
    wait_until(lambda: plugin._values_since_save.get(1, (None,))[0] == 0.0, what="the edit reaching the client")
    assert plugin._dirty
    plugin.sandbox.restart()
    assert plugin.get_param("Ping") == 0


def test_a_title_change_is_seen_by_the_client(plugin):
    plugin.set_param("Rename", 1)
    wait_until(lambda: any(p.name == VST3_HOST_CALLBACKS_RENAMED for p in plugin.params), what="the new title")
    plugin.set_param(VST3_HOST_CALLBACKS_RENAMED, 0)
    wait_until(lambda: any(p.name == "Rename" for p in plugin.params), what="the old title back")


def test_output_parameters_come_back_from_the_processor(group, plugin):
    x = np.zeros((2, 1024), np.float32)
    x[1, 700] = 0.625
    group.render({plugin: x}, plugin)
    assert plugin.get_param("Peak") == 0.0  # the last block held no signal
    group.render({plugin: x[:, :768]}, plugin)
    assert plugin.get_param("Peak") == pytest.approx(0.625, abs=1e-9)
