"""Running the hostile test plugins (support/test_plugins.py, HOSTILE_FILE): one in a sandbox
of its own with given limits, blocks processed beside a bystander that must stay
bit-exact, and the outcome of an attempt read back."""

from __future__ import annotations

import pathlib
from collections.abc import Callable

import numpy as np

import scuff
from support.signals import noise
from support.test_plugins import HOSTILE_FILE

BLOCK = 64


def enforced(sandbox: scuff.Sandbox, what: str) -> bool:
    """Whether this machine enforces `what`; if not, the sandbox must say why."""
    confinement = sandbox.confinement
    if what in confinement.enforced:
        return True
    assert what in confinement.not_enforced, f"{what!r} is neither enforced nor reported: {confinement}"
    return False


def hostile(group: scuff.Group, test_plugins: pathlib.Path, plugin_id: str, **limits: object) -> scuff.Device:
    sandbox = group.create_sandbox(limits=scuff.SandboxLimits(**limits))  # type: ignore[arg-type]
    return sandbox.create_device(test_plugins / HOSTILE_FILE, plugin_id=plugin_id)


def process_until(group: scuff.Group, device: scuff.Device, bystander: scuff.Device, done: Callable[[], bool],
                  max_blocks: int = 2000) -> None:
    """Processes blocks until `done()`, checking the bystander sample for sample."""
    for _ in range(max_blocks):
        x = noise(2, BLOCK)
        _, out = group.process({device: x, bystander: x}, [device, bystander])
        np.testing.assert_array_equal(out, x)
        if done():
            return
    raise AssertionError("the hostile plugin was never stopped")


def attempt(group: scuff.Group, device: scuff.Device, bystander: scuff.Device) -> int:
    """Runs a refusable attempt (in the plugin's first block) and returns its errno."""
    process_until(group, device, bystander, lambda: device.get_param("Result") != -1, max_blocks=50)
    assert device.sandbox.state == "running"
    return int(device.get_param("Result"))


def first_block_outcome(group: scuff.Group, device: scuff.Device) -> int:
    """The outcome ("Result") of a hostile plugin's attempt, made in its first block of
    silence through `group`."""
    for _ in range(50):
        group.process({device: np.zeros((2, group.block_size), np.float32)}, device)
        if device.get_param("Result") != -1:
            return int(device.get_param("Result"))
    raise AssertionError("the hostile plugin never tried")
