"""A CLAP plugin that the sandbox refuses after its init succeeded (its audio ports cannot be read,
it declares too many parameters) is destroyed again, and its sandbox goes on hosting others."""

from __future__ import annotations

import numpy as np
import pytest

import scuff
from conftest import noise
from support.test_plugins import (
    AUDIO_PORTS_FAIL_ID,
    CREATION_CENSUS_ID,
    CREATION_FAULTS_FILE,
    PASSTHROUGH_ID,
    PLUGINS_FILE,
    TOO_MANY_PARAMS_ID,
)


@pytest.mark.parametrize(("plugin_id", "error"), [
    (AUDIO_PORTS_FAIL_ID, "the plugin failed to describe an audio port"),
    (TOO_MANY_PARAMS_ID, "the plugin declares 100,001 parameters, more than the 100,000 a sandbox hosts"),
])
def test_a_plugin_refused_after_init_is_destroyed_and_its_sandbox_goes_on(group, test_plugins, plugin_id, error):
    sandbox = group.create_sandbox()
    census = sandbox.create_device(test_plugins / CREATION_FAULTS_FILE, plugin_id=CREATION_CENSUS_ID)
    with pytest.raises(scuff.PluginLoadError, match=error):
        sandbox.create_device(test_plugins / CREATION_FAULTS_FILE, plugin_id=plugin_id)
    assert (census.get_param("Created"), census.get_param("Destroyed")) == (1.0, 1.0)
    assert sandbox.state == "running"
    passthrough = sandbox.create_device(test_plugins / PLUGINS_FILE, plugin_id=PASSTHROUGH_ID)
    signal = noise(2, group.block_size)
    np.testing.assert_array_equal(group.render({passthrough: signal}, passthrough), signal)


def test_every_refusal_is_destroyed_before_the_next_is_made(group, test_plugins):
    sandbox = group.create_sandbox()
    census = sandbox.create_device(test_plugins / CREATION_FAULTS_FILE, plugin_id=CREATION_CENSUS_ID)
    for attempt in range(1, 4):
        with pytest.raises(scuff.PluginLoadError):
            sandbox.create_device(test_plugins / CREATION_FAULTS_FILE, plugin_id=AUDIO_PORTS_FAIL_ID)
        assert census.get_param("Destroyed") == census.get_param("Created") == attempt
