"""Every format has the same limit on a device's parameters, and a plugin beyond it is refused
when it is created, destroyed again, and its sandbox goes on as before."""

from __future__ import annotations

import numpy as np
import pytest

import scuff
from scuff import _native
from support.signals import noise
from support.test_plugins import CREATION_CENSUS_ID, TOO_MANY_PARAMS, TOO_MANY_PARAMS_ID


def test_the_native_module_says_how_many_parameters_a_sandbox_hosts():
    assert _native.MAX_PARAMS == 100_000 == TOO_MANY_PARAMS - 1


def test_a_plugin_declaring_more_parameters_than_a_sandbox_hosts_is_refused_and_destroyed(group, make):
    sandbox = group.create_sandbox()
    census = make(sandbox, CREATION_CENSUS_ID)  # keeps the file loaded, and counts
    with pytest.raises(scuff.PluginLoadError,
                       match="the plugin declares 100,001 parameters, more than the 100,000 a sandbox hosts"):
        make(sandbox, TOO_MANY_PARAMS_ID)
    assert (census.get_param("Created"), census.get_param("Destroyed")) == (1.0, 1.0)
    device = make(sandbox)
    signal = noise(2, group.block_size)
    np.testing.assert_array_equal(group.render({device: signal}, device), signal)
    assert sandbox.state == "running"
