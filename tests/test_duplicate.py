"""A duplicate is the same plugin with the same state and parameters, in the same sandbox or
another, and renders what its source renders; afterwards the two are independent."""

from __future__ import annotations

import numpy as np
import pytest

import scuff
from support.sessions import sandbox_processes
from support.signals import noise
from support.test_plugins import GAIN_ID
from support.waiting import wait_until


@pytest.mark.parametrize("path", ["/usr/lib/clap/ZamCompX2.clap", "/usr/lib/vst3/ZamCompX2.vst3"])
@pytest.mark.parametrize("where", ["same-sandbox", "other-sandbox"])
def test_a_duplicate_renders_the_same_as_its_source(group, path, where):
    source = group.create_sandbox().create_device(path)
    source.set_param("Threshold", -30.0)
    source.set_param("Ratio", 8.0)
    source.label = "vocal comp"
    copy = source.duplicate(group.create_sandbox() if where == "other-sandbox" else None)
    assert (copy.plugin_id, copy.path, copy.label) == (source.plugin_id, source.path, "vocal comp")
    assert copy.param_values() == source.param_values()
    assert (copy.sandbox is source.sandbox) == (where == "same-sandbox")
    x = noise(2, 48000, seed=4, level=0.8)
    original, duplicated = group.render({source: x, copy: x}, [source, copy])
    assert np.abs(original - x).max() > 0.01
    np.testing.assert_array_equal(duplicated, original)


def test_a_duplicate_is_independent_of_its_source(group, make):
    source = make(group.create_sandbox(), GAIN_ID)
    source.set_param("Gain", -6.0)
    copy = source.duplicate()
    copy.set_param("Gain", -20.0)
    copy.label = "quiet"
    assert source.get_param("Gain") == pytest.approx(-6.0)
    assert source.label != "quiet"
    x = noise(2, 4096, seed=5)
    louder, quieter = group.render({source: x, copy: x}, [source, copy])
    assert np.abs(louder).max() > 5 * np.abs(quieter).max()
    source.sandbox.remove_device(source)
    np.testing.assert_array_equal(group.render({copy: x}, copy), quieter)


def test_a_duplicate_that_fails_leaves_no_device(group):
    source = group.create_sandbox().create_device("/usr/lib/clap/ZamComp.clap")
    target = group.create_sandbox()
    target._current.kill("killed by the test")
    # Until the client has seen the death, fitting the sandbox for the plugin may replace
    # the gone process with a new one, and the duplicate would simply succeed.
    wait_until(lambda: target.state == "crashed", what="the sandbox's crash to be seen")
    with pytest.raises(scuff.SandboxError):
        source.duplicate(target)
    assert target.devices == []
    assert len(source.sandbox.devices) == 1
    assert sandbox_processes() == 1
