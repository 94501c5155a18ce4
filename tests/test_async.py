"""The async forms: side by side on one event loop, and cancelled without leaving a
sandbox or a device behind."""

from __future__ import annotations

import asyncio
import pathlib

import numpy as np
import pytest

import scuff
from support.sessions import sandbox_processes
from support.signals import noise

ZAMCOMP = "/usr/lib/clap/ZamComp.clap"


def test_ten_devices_created_side_by_side_all_work(group):
    async def create() -> list[scuff.Device]:
        sandboxes = await asyncio.gather(*(group.create_sandbox_async() for _ in range(10)))
        return await asyncio.gather(*(sandbox.create_device_async(ZAMCOMP) for sandbox in sandboxes))

    devices = asyncio.run(create())
    assert len({d.id for d in devices}) == 10
    assert sandbox_processes() == 10
    x = noise(1, 2048, seed=1)
    outputs = group.render({d: x for d in devices}, devices)
    for y in outputs[1:]:
        np.testing.assert_array_equal(y, outputs[0])


def test_the_event_loop_runs_while_a_device_is_created(group):
    sandbox = group.create_sandbox()

    async def create_and_count() -> int:
        ticks = 0
        task = asyncio.ensure_future(sandbox.create_device_async(ZAMCOMP))
        while not task.done():
            ticks += 1
            await asyncio.sleep(0)
        await task
        return ticks

    assert asyncio.run(create_and_count()) > 0
    assert len(sandbox.devices) == 1


def test_a_cancelled_device_creation_leaves_no_device(group):
    sandbox = group.create_sandbox()
    kept = sandbox.create_device(ZAMCOMP)

    async def create_and_cancel() -> None:
        task = asyncio.ensure_future(sandbox.create_device_async(ZAMCOMP))
        await asyncio.sleep(0)
        assert task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(create_and_cancel())
    assert sandbox.devices == [kept]
    assert group.render({kept: noise(1, 512)}, kept).shape == (1, 512)


def test_a_cancelled_sandbox_creation_leaves_no_sandbox(group):
    async def create_and_cancel() -> None:
        task = asyncio.ensure_future(group.create_sandbox_async())
        await asyncio.sleep(0)
        assert task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(create_and_cancel())
    assert group.sandboxes == []
    assert sandbox_processes() == 0


def test_one_of_ten_creations_cancelled_leaves_nine(group):
    sandbox = group.create_sandbox()

    async def create() -> list[object]:
        tasks = [asyncio.ensure_future(sandbox.create_device_async(ZAMCOMP)) for _ in range(10)]
        await asyncio.sleep(0)
        tasks[3].cancel()
        return await asyncio.gather(*tasks, return_exceptions=True)

    results = asyncio.run(create())
    assert isinstance(results[3], asyncio.CancelledError)
    assert set(sandbox.devices) == {r for r in results if isinstance(r, scuff.Device)}
    assert len(sandbox.devices) == 9


def test_a_cancelled_session_load_leaves_no_group(client, tmp_path: pathlib.Path):
    group = client.create_group()
    group.create_sandbox().create_device(ZAMCOMP)
    group.create_sandbox().create_device("/usr/lib/vst3/ZamComp.vst3")
    path = tmp_path / "two.scuff"
    asyncio.run(group.save_session_async(path))
    group.close()

    async def load_and_cancel() -> None:
        task = asyncio.ensure_future(client.load_session_async(path))
        await asyncio.sleep(0)
        assert task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(load_and_cancel())
    assert client.groups == []
    assert sandbox_processes() == 0


def test_async_forms_give_what_the_blocking_ones_give(group, tmp_path):
    async def use(device: scuff.Device) -> tuple[str, bytes, scuff.Device]:
        device.set_param("Threshold", -18.0)
        text = await device.param_text_async("Threshold")
        state = await device.save_async()
        await device.load_async(state)
        await device.save_preset_async("async")
        await device.load_preset_async("async")
        return text, state, await device.duplicate_async()

    device = group.create_sandbox().create_device(ZAMCOMP)
    text, state, copy = asyncio.run(use(device))
    assert text == device.param_text("Threshold")
    assert state == device.save()
    assert copy.get_param("Threshold") == pytest.approx(-18.0)
    assert device.presets() == ["async"]
    asyncio.run(device.sandbox.restart_async())
    assert device.sandbox.state == "running"
    assert device.get_param("Threshold") == pytest.approx(-18.0)
