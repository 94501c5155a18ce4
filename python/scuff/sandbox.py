"""A sandbox: one scuff-sbox process hosting devices for a group."""

from __future__ import annotations

import itertools
import logging
import os
import signal
import socket
import subprocess
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TYPE_CHECKING, Literal

from . import _native
from . import client_messages as requests
from .control_channel import ControlChannel
from .device import Device
from .errors import (
    ParamError,
    PluginLoadError,
    ProtocolError,
    SandboxCrashedError,
    SandboxError,
    SandboxTimeoutError,
    ScuffError,
    StateError,
)
from .event_loop import read_available
from .executables import executable
from .plugin_info import PluginInfo
from .sandbox_messages import (
    DeviceChangedMessage,
    DeviceDescription,
    FailureReply,
    LogMessage,
    ReadyMessage,
    ReplyBody,
    ResponseMessage,
    parse,
)

if TYPE_CHECKING:
    from .group import Group

log = logging.getLogger("scuff.sandbox")

SandboxState = Literal["starting", "running", "unresponsive", "crashed", "stopped"]

START_TIMEOUT = 10.0
CONTROL_TIMEOUT = 10.0
LOAD_TIMEOUT = 30.0

_LOG_LEVELS = [logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL,
               logging.ERROR, logging.WARNING]

_FAILURE_ERRORS: dict[str, type[ScuffError]] = {
    "FileNotFound": PluginLoadError,
    "NotAPlugin": PluginLoadError,
    "PluginNotFound": PluginLoadError,
    "PluginFailed": PluginLoadError,
    "NoSuchParam": ParamError,
    "BadState": StateError,
    "Timeout": SandboxTimeoutError,
}


def describe_exit(returncode: int | None) -> str:
    if returncode is None:
        return "closed its control channel"
    if returncode < 0:
        try:
            return f"was killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"was killed by signal {-returncode}"
    return f"exited with code {returncode}"


class Sandbox:
    """One scuff-sbox process. Created with `Group.create_sandbox`; closed with its group."""

    def __init__(self, group: Group) -> None:
        self._group = group
        self._client = group.client
        self._lock = threading.Lock()
        self._pending: dict[int, Future[ReplyBody]] = {}
        self._request_ids = itertools.count(1)
        self._devices: dict[int, Device] = {}
        self._state: SandboxState = "starting"
        self._reason = ""
        self._ready: Future[None] = Future()
        self._signals = _native.SandboxSignals()
        self._start_process()
        group._engine.add_sandbox(self._signals)

    def __repr__(self) -> str:
        return f"<scuff.Sandbox pid={self.pid} {self._state}>"

    @property
    def state(self) -> SandboxState:
        """"starting", "running", "unresponsive", "crashed" or "stopped"."""
        return self._state

    @property
    def reason(self) -> str:
        """Why the sandbox is not running, when it is not."""
        return self._reason

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def devices(self) -> list[Device]:
        return list(self._devices.values())

    @property
    def group(self) -> Group:
        return self._group

    def create_device(self, plugin: str | os.PathLike[str] | PluginInfo, *,
                      plugin_id: str | None = None) -> Device:
        """Creates an instance of a plugin in this sandbox and activates it.

        `plugin` is a plugin file (its first plugin, or the one named by `plugin_id`), a
        PluginInfo from a scan, or the id of a scanned plugin.
        """
        path, plugin_id = self._client._resolve_plugin(plugin, plugin_id)
        device_id = self._client._next_device_id()
        reply = self._call(requests.create_device(device_id, str(path), plugin_id), timeout=LOAD_TIMEOUT)
        description = self._expect_description(reply, device_id)
        memory = _native.DeviceMemory(
            self._signals, [p.channels for p in description.inputs],
            [p.channels for p in description.outputs], self._group.block_size)
        # Registered before activation, so that what the plugin reports while it
        # activates (a latency change, a parameter rescan) reaches this Device.
        device = Device(self, device_id, description, memory)
        self._devices[device_id] = device
        try:
            reply = self._call(requests.attach_device_memory(device_id, memory.size),
                               fds=[memory.fd], timeout=LOAD_TIMEOUT)
            device._update(self._expect_description(reply, device_id))
        except BaseException:
            del self._devices[device_id]
            self._discard_device(device_id)
            raise
        self._group._engine.add_device(memory)
        self._group._apply_graph()
        return device

    def remove_device(self, device: Device) -> None:
        """Destroys a device of this sandbox."""
        if self._devices.get(device.id) is not device:
            raise ScuffError(f"{device!r} does not belong to this sandbox")
        del self._devices[device.id]
        self._group._forget_devices([device])
        self._group._engine.remove_device(device._memory)
        self._call(requests.destroy_device(device.id))

    def close(self) -> None:
        """Stops the process. Its devices are gone with it."""
        with self._lock:
            if self._state == "stopped":
                return
            was_running = self._state not in ("crashed",)
            self._state = "stopped"
            self._reason = "closed by the client"
        self._signals.alive = False
        self._group._engine.remove_sandbox(self._signals)
        self._client._events.unwatch(self._channel.socket.fileno())
        self._channel.close()
        if was_running:
            try:
                self._process.wait(timeout=2.0)
            except subprocess.TimeoutExpired:
                self._process.kill()
        self._process.wait()
        self._fail_pending(SandboxCrashedError("the sandbox was closed"))
        self._group._forget_sandbox(self)

    # --- the control channel ---

    def _call(self, body: requests.RequestBody, *, fds: Sequence[int] = (),
              timeout: float = CONTROL_TIMEOUT) -> ReplyBody:
        """Sends a request and waits for its reply; raises the error a failure stands for."""
        with self._lock:
            if self._state in ("crashed", "stopped"):
                raise SandboxCrashedError(f"sandbox {self.pid} is {self._state}: {self._reason}")
            request_id = next(self._request_ids)
            future: Future[ReplyBody] = Future()
            self._pending[request_id] = future
        try:
            self._channel.send(requests.frame(request_id, body), fds)
        except OSError:
            self._pending.pop(request_id, None)
            raise SandboxCrashedError(f"sandbox {self.pid} is gone") from None
        try:
            reply = future.result(timeout)
        except FutureTimeout:
            self._pending.pop(request_id, None)
            self._state = "unresponsive"
            self._reason = f"no reply within {timeout:g} s"
            raise SandboxTimeoutError(
                f"sandbox {self.pid} did not answer within {timeout:g} s") from None
        if isinstance(reply, FailureReply):
            error = _FAILURE_ERRORS.get(reply.code, SandboxError)
            raise error(reply.message)
        return reply

    def _expect_description(self, reply: ReplyBody, device_id: int) -> DeviceDescription:
        if not isinstance(reply, DeviceDescription) or reply.device != device_id:
            self._kill(f"sent a wrong reply for device {device_id}")
            raise ProtocolError(f"sandbox {self.pid} sent a wrong reply for device {device_id}")
        return reply

    def _discard_device(self, device_id: int) -> None:
        try:
            self._call(requests.destroy_device(device_id))
        except ScuffError:
            pass

    # --- the process ---

    def _start_process(self) -> None:
        group = self._group
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        args = [
            str(executable("scuff-sbox")),
            "--control-fd", str(child.fileno()),
            "--signals-fd", str(self._signals.fd),
            "--sample-rate", repr(float(group.sample_rate)),
            "--max-frames", str(group.block_size),
        ]
        output_reader, output_writer = os.pipe()
        try:
            self._process = self._client._spawn(
                args, pass_fds=(child.fileno(), self._signals.fd), output=output_writer)
        finally:
            child.close()
            os.close(output_writer)
        self._channel = ControlChannel(parent)
        self._output = output_reader
        os.set_blocking(output_reader, False)
        self._client._events.watch(parent.fileno(), self._on_readable)
        self._client._events.watch(output_reader, self._on_output)
        try:
            self._ready.result(START_TIMEOUT)
        except FutureTimeout:
            self._kill("did not start in time")
            raise SandboxTimeoutError(f"scuff-sbox did not start within {START_TIMEOUT:g} s") from None
        except SandboxError as error:
            raise SandboxError(f"scuff-sbox failed to start: {error}") from None
        self._state = "running"

    def _on_readable(self) -> None:
        """Event-loop thread: reads and dispatches what the sandbox sent."""
        try:
            data = self._channel.socket.recv(1 << 16, socket.MSG_DONTWAIT)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._on_gone()
            return
        try:
            for frame in self._channel.feed(data):
                self._dispatch(parse(frame))
        except ProtocolError as error:
            self._kill(str(error))

    def _dispatch(self, message: object) -> None:
        if isinstance(message, ResponseMessage):
            future = self._pending.pop(message.request_id, None)
            if future is not None:
                future.set_result(message.reply)
        elif isinstance(message, ReadyMessage):
            if not self._ready.done():
                self._ready.set_result(None)
        elif isinstance(message, LogMessage):
            known = 0 <= message.severity < len(_LOG_LEVELS)
            level = _LOG_LEVELS[message.severity] if known else logging.INFO
            log.log(level, "sandbox %d, device %d: %s", self.pid, message.device, message.text)
        elif isinstance(message, DeviceChangedMessage):
            device = self._devices.get(message.info.device)
            if device is not None:
                latency_changed = device.latency != message.info.latency
                device._update(message.info)
                if latency_changed:
                    self._group._latency_changed()

    def _on_output(self) -> None:
        data = read_available(self._output)
        if data is None:
            self._client._events.unwatch(self._output)
            os.close(self._output)
            return
        for line in data.decode("utf-8", errors="replace").splitlines():
            if line.strip():
                log.debug("sandbox %d: %s", self.pid, line)

    def _on_gone(self) -> None:
        """Event-loop thread: the control socket reached its end."""
        self._client._events.unwatch(self._channel.socket.fileno())
        self._signals.alive = False
        try:
            returncode = self._process.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            returncode = None
        with self._lock:
            if self._state != "stopped":
                self._state = "crashed"
                self._reason = self._reason or f"scuff-sbox {describe_exit(returncode)}"
            reason = self._reason
        error = SandboxCrashedError(f"sandbox {self.pid} {reason}")
        if not self._ready.done():
            self._ready.set_exception(error)
        self._fail_pending(error)

    def _kill(self, reason: str) -> None:
        """Ends a sandbox that broke the protocol or its deadline."""
        with self._lock:
            if not self._reason:
                self._reason = reason
        try:
            self._process.kill()
        except ProcessLookupError:
            pass

    def _fail_pending(self, error: Exception) -> None:
        with self._lock:
            pending, self._pending = self._pending, {}
        for future in pending.values():
            if not future.done():
                future.set_exception(error)

