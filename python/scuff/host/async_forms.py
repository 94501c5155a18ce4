"""The `*_async` forms of the slow calls, for asyncio applications. Each runs its blocking
form on a thread of its own, so the event loop never waits and calls made side by side
(`asyncio.gather`) run side by side. Cancelling one waits for the blocking call to end and
removes what it made (a sandbox, a device, a group), so nothing half-made remains."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from .async_call import run_blocking

if TYPE_CHECKING:
    from ..confine.limits import SandboxLimits
    from ..scan.plugin_info import PluginInfo
    from .client import Client
    from .device import Device, ParamKey
    from .group import Group
    from .sandbox import Sandbox
    from .status import RestartPolicy


class ClientAsync:
    """Part of `Client`."""

    async def scan_async(self, paths: Iterable[str | os.PathLike[str]] | None = None,
                         **options: Any) -> list[PluginInfo]:
        """`Client.scan`, awaited."""
        client = cast("Client", self)
        return await run_blocking(lambda: client.scan(paths, **options))

    async def load_session_async(self, path: str | os.PathLike[str], *, skip_missing: bool = False) -> Group:
        """`Client.load_session`, awaited; cancelled, the group it was building is closed."""
        client = cast("Client", self)
        return await run_blocking(lambda: client.load_session(path, skip_missing=skip_missing),
                                  lambda group: group.close())


class GroupAsync:
    """Part of `Group`."""

    async def create_sandbox_async(self, *, restart_policy: RestartPolicy | None = None,
                                   limits: SandboxLimits | None = None) -> Sandbox:
        """`Group.create_sandbox`, awaited; cancelled, the new sandbox is closed."""
        group = cast("Group", self)
        return await run_blocking(lambda: group.create_sandbox(restart_policy=restart_policy, limits=limits),
                                  lambda sandbox: sandbox.close())

    async def save_session_async(self, path: str | os.PathLike[str]) -> None:
        """`Group.save_session`, awaited (the file is written whole or not at all)."""
        group = cast("Group", self)
        await run_blocking(lambda: group.save_session(path))


class SandboxAsync:
    """Part of `Sandbox`."""

    async def create_device_async(self, plugin: str | os.PathLike[str] | PluginInfo, *,
                                  plugin_id: str | None = None) -> Device:
        """`Sandbox.create_device`, awaited; cancelled, the new device is removed."""
        sandbox = cast("Sandbox", self)
        return await run_blocking(lambda: sandbox.create_device(plugin, plugin_id=plugin_id),
                                  _remove_device)

    async def restart_async(self) -> None:
        """`Sandbox.restart`, awaited."""
        sandbox = cast("Sandbox", self)
        await run_blocking(sandbox.restart)


class DeviceAsync:
    """Part of `Device`."""

    async def save_async(self) -> bytes:
        """`Device.save`, awaited."""
        return await run_blocking(cast("Device", self).save)

    async def load_async(self, state: bytes) -> None:
        """`Device.load`, awaited."""
        device = cast("Device", self)
        await run_blocking(lambda: device.load(state))

    async def duplicate_async(self, sandbox: Sandbox | None = None) -> Device:
        """`Device.duplicate`, awaited; cancelled, the copy is removed."""
        device = cast("Device", self)
        return await run_blocking(lambda: device.duplicate(sandbox), _remove_device)

    async def save_preset_async(self, name: str) -> os.PathLike[str]:
        """`Device.save_preset`, awaited."""
        device = cast("Device", self)
        return await run_blocking(lambda: device.save_preset(name))

    async def load_preset_async(self, preset: str | os.PathLike[str]) -> None:
        """`Device.load_preset`, awaited."""
        device = cast("Device", self)
        await run_blocking(lambda: device.load_preset(preset))

    async def param_text_async(self, key: ParamKey, value: float | None = None) -> str:
        """`Device.param_text`, awaited."""
        device = cast("Device", self)
        return await run_blocking(lambda: device.param_text(key, value))


def _remove_device(device: Device) -> None:
    if device in device.sandbox.devices:
        device.sandbox.remove_device(device)
