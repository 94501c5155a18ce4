"""Real plugins work under the default limits: every ZAM plugin loads, renders and saves
its state in a confined sandbox, and renders exactly what it renders unconfined. The VST3
builds are skipped while sandboxes cannot host VST3, and taken as soon as they can."""

from __future__ import annotations

import pathlib

import numpy as np
import pytest

import scuff
from support.signals import noise
from support.zam import ZAM_CLAP_FILES, ZAM_VST3_BUNDLES

pytestmark = pytest.mark.skipif(len(ZAM_CLAP_FILES) != 17, reason="zam-plugins (17 CLAP builds) not installed")

FRAMES = 12000


@pytest.fixture(scope="module")
def sandboxes():
    with scuff.Client(autosave_interval=None) as client:
        group = client.create_group(sample_rate=48000, block_size=512)
        yield (group, group.create_sandbox(limits=scuff.SandboxLimits()),
               group.create_sandbox(limits=scuff.SandboxLimits.unconfined()))


ZAM_FILES = [*ZAM_CLAP_FILES, *ZAM_VST3_BUNDLES]


def settle(group: scuff.Group, devices: list[scuff.Device]) -> None:
    """One block of silence, then two round trips to each sandbox: a plugin that asks for a
    restart from its first process() call (ZaMaximX2) has then restarted, so the render
    that follows starts from the same state in both sandboxes (see test_zam_plugins.py)."""
    silence = {d.input(0): np.zeros((d.inputs[0], group.block_size), np.float32) for d in devices if d.inputs}
    group.process(silence, [d.output(0) for d in devices], frames=group.block_size)
    for device in devices:
        if device.params:
            for _ in range(2):
                device.get_param(device.params[0])


@pytest.mark.parametrize("path", ZAM_FILES, ids=[p.name for p in ZAM_FILES])
def test_zam_plugin_loads_renders_and_saves_under_the_default_limits(sandboxes, path: pathlib.Path):
    group, confined, unconfined = sandboxes
    assert "files" in confined.confinement.enforced or "files" in confined.confinement.not_enforced
    device = confined.create_device(path)
    reference = unconfined.create_device(path)
    try:
        settle(group, [device, reference])
        inputs = {}
        if device.inputs:
            x = noise(device.inputs[0], FRAMES)
            inputs = {device.input(0): x, reference.input(0): x}
        y, y_reference = group.render(inputs, [device.output(0), reference.output(0)], frames=FRAMES)
        np.testing.assert_array_equal(y, y_reference)
        state = device.save()
        device.load(state)
        assert device.save() == state
        assert confined.state == "running"
    finally:
        confined.remove_device(device)
        unconfined.remove_device(reference)
