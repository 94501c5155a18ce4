"""Groups that mix formats: CLAP devices feed VST3 devices and back, inside one sandbox
(same cycle) and across sandboxes (one block later), sidechain inputs included."""

from __future__ import annotations

import numpy as np
import pytest

import scuff
from support.signals import noise
from support.test_plugins import (
    PASSTHROUGH_ID,
    PLUGINS_FILE,
    SIDECHAIN_ID,
    VST3_PASSTHROUGH_ID,
    VST3_PLUGINS_BUNDLE,
    VST3_SIDECHAIN_ID,
)

BLOCK = 64


@pytest.fixture
def group(client: scuff.Client) -> scuff.Group:
    return client.create_group(sample_rate=48000, block_size=BLOCK)


@pytest.fixture
def clap(test_plugins):
    def create(sandbox: scuff.Sandbox, plugin_id: str = PASSTHROUGH_ID) -> scuff.Device:
        return sandbox.create_device(test_plugins / PLUGINS_FILE, plugin_id=plugin_id)
    return create


@pytest.fixture
def vst3(test_plugins):
    def create(sandbox: scuff.Sandbox, plugin_id: str = VST3_PASSTHROUGH_ID) -> scuff.Device:
        return sandbox.create_device(test_plugins / VST3_PLUGINS_BUNDLE, plugin_id=plugin_id)
    return create


def delayed(x: np.ndarray, frames: int) -> np.ndarray:
    y = np.zeros_like(x)
    y[:, frames:] = x[:, : x.shape[1] - frames]
    return y


@pytest.mark.parametrize("across", [False, True], ids=["one-sandbox", "two-sandboxes"])
def test_clap_into_vst3_into_clap(group, clap, vst3, across):
    home = group.create_sandbox()
    away = group.create_sandbox() if across else home
    first, middle, last = clap(home), vst3(away), clap(home)
    group.connect(first, middle)
    group.connect(middle, last)
    x = noise(2, 20 * BLOCK + 7)
    hops = 2 if across else 0
    np.testing.assert_array_equal(group.render({first: x}, last), delayed(x, hops * BLOCK))
    assert group.latency(first.input(0), last.output(0)) == hops * BLOCK


@pytest.mark.parametrize("across", [False, True], ids=["one-sandbox", "two-sandboxes"])
def test_a_clap_device_keys_a_vst3_sidechain_and_a_vst3_device_keys_a_clap_one(group, clap, vst3, across):
    """The sidechain plugins output main + sidechain, so both routes show in the sum."""
    home = group.create_sandbox()
    away = group.create_sandbox() if across else home
    clap_key, vst3_mixer = clap(home), vst3(away, VST3_SIDECHAIN_ID)
    vst3_key, clap_mixer = vst3(away), clap(home, SIDECHAIN_ID)
    group.connect(clap_key.output(0), vst3_mixer.input(1))
    group.connect(vst3_key.output(0), clap_mixer.input(1))
    main, key = noise(2, 12 * BLOCK, seed=1), noise(2, 12 * BLOCK, seed=2)
    to_vst3, to_clap = group.render(
        {vst3_mixer.input(0): main, clap_key: key, clap_mixer.input(0): main, vst3_key: key},
        [vst3_mixer, clap_mixer])
    late = BLOCK if across else 0
    np.testing.assert_array_equal(to_vst3, main + delayed(key, late))
    np.testing.assert_array_equal(to_clap, main + delayed(key, late))
