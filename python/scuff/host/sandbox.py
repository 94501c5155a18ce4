"""A sandbox: a scuff-sbox process hosting devices for a group. It outlives its process: a
crashed sandbox keeps its devices, and `restart` brings them back in a new process."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from .._native import DeviceMemory, SandboxSignals
from ..confine.limits import SandboxLimits
from ..confine.plugin_folders import plugin_folder, remember_plugin_folder
from ..confine.refusals import Refusal
from ..confine.report import Confinement
from ..errors import (
    PluginLoadError,
    ProtocolError,
    SandboxCrashedError,
    SandboxError,
    SandboxTimeoutError,
    ScuffError,
)
from ..process.exits import Reason, describe_exit
from ..process.sandbox_process import SandboxProcess
from ..scan.plugin_info import PluginInfo
from ..wire import requests
from ..wire.replies import (
    DeviceChangedMessage,
    DeviceDescription,
    EditorChangedMessage,
    LogMessage,
    Ok,
    ParamEditedMessage,
    ReplyBody,
)
from .async_forms import SandboxAsync
from .device import Device
from .stats import SandboxStats, SandboxUsageMeter
from .status import RestartPolicy, SandboxEvent, SandboxState

if TYPE_CHECKING:
    from .group import Group

log = logging.getLogger("scuff.sandbox")

START_TIMEOUT = 10.0

Reply = TypeVar("Reply", bound=ReplyBody)

_LOG_LEVELS = [logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL,
               logging.ERROR, logging.WARNING]


class Sandbox(SandboxAsync):
    """One scuff-sbox process. Created with `Group.create_sandbox`; closed with its group."""

    def __init__(self, group: Group, restart_policy: RestartPolicy | None = None,
                 limits: SandboxLimits | None = None) -> None:
        if limits is not None and not isinstance(limits, SandboxLimits):
            raise ScuffError(f"limits is a scuff.SandboxLimits, not {type(limits).__name__}")
        self._group = group
        self._client = group.client
        self._limits = limits if limits is not None else group.client.default_limits
        # Set while an empty sandbox's process is replaced by one fit for its first plugin.
        self._replacing = False
        # Whose settings home the process shows (its first device's vendor), once known.
        self._settings_vendor: str | None = None
        self._lock = threading.RLock()
        # Serialises restarts and closing.
        self._life_lock = threading.Lock()
        self._devices: dict[int, Device] = {}
        self._state: SandboxState = "starting"
        self._reason = Reason.RUNNING
        self._detail = ""
        self.restart_policy = restart_policy
        self._restart_times: list[float] = []
        self._restart_pending = False
        self._gave_up = False
        self._autosaving = False
        self._signals = SandboxSignals()
        self._usage = SandboxUsageMeter()
        self._process: SandboxProcess | None = None
        # How the current process ended, when it did while the sandbox was starting.
        self._exit_while_starting: tuple[Reason, str] | None = None
        self._process = self._start_process()
        group._engine.add_sandbox(self._signals)
        self._finish_start()

    def __repr__(self) -> str:
        return f"<scuff.Sandbox pid={self.pid} {self._state}>"

    @property
    def state(self) -> SandboxState:
        """"starting", "running", "unresponsive", "crashed" or "stopped"."""
        return self._state

    @property
    def reason(self) -> str:
        """Why the sandbox is not running, in words (the signal, the exit code, the call
        that failed); empty while it runs."""
        return self._detail

    @property
    def reason_code(self) -> Reason:
        """Why the sandbox is not running, as a code."""
        return self._reason

    @property
    def _current(self) -> SandboxProcess:
        """The current process. `_process` is None only while __init__ starts the first one,
        so that process's early exit is not taken for the sandbox's."""
        assert self._process is not None
        return self._process

    @property
    def pid(self) -> int:
        """The process id of the current (or last) scuff-sbox process."""
        return self._current.pid

    @property
    def limits(self) -> SandboxLimits:
        """The limits this sandbox was created with."""
        return self._limits

    @property
    def settings_vendor(self) -> str | None:
        """Whose settings home it shows as the home folder: its first device's vendor, or None."""
        return self._settings_vendor

    @property
    def refusals(self) -> list[Refusal]:
        """What its current process refused its plugins (file operations, system calls), the last 256."""
        return list(self._current.reports.refusals.latest)

    @property
    def confinement(self) -> Confinement:
        """What the current process actually enforces on this machine: each limit with its
        mechanism, and each limit that this kernel could not enforce, with the reason."""
        return self._current.confinement

    @property
    def late(self) -> bool:
        """Missed the deadline of its last audio cycle and has not caught up yet."""
        return self._signals.late

    @property
    def missed_cycles(self) -> int:
        """Audio cycles this sandbox gave silence for because it was late or gone."""
        return self._signals.missed_cycles

    @property
    def restarts(self) -> int:
        """How many times the sandbox was restarted."""
        return len(self._restart_times)

    @property
    def stats(self) -> SandboxStats:
        """CPU share, resident memory and its peak (from /proc), missed cycles and
        restarts, since the sandbox was created or `reset_stats`."""
        return self._usage.read(self.pid, self.missed_cycles, self.restarts)

    def reset_stats(self) -> None:
        """Starts `stats`, and every device's `stats`, again from zero."""
        self._usage.reset(self.pid, self.missed_cycles, self.restarts)
        for device in self.devices:
            device.reset_stats()

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
        self._fit_process(Path(path), plugin, plugin_id)
        # One deadline for the whole call, however many requests it takes.
        deadline = time.monotonic() + self._client.load_timeout
        device_id = self._client._next_device_id()
        reply = self.request(requests.create_device(device_id, str(path), plugin_id),
                             timeout=self._client.load_timeout, expect=DeviceDescription)
        description = self._expect_description(reply, device_id)
        memory = DeviceMemory(
            self._signals, [p.channels for p in description.inputs],
            [p.channels for p in description.outputs], self._group.block_size)
        # Registered before activation, so that what the plugin reports while it
        # activates (a latency change, a parameter rescan) reaches this Device.
        device = Device(self, device_id, description, memory, str(path))
        self._devices[device_id] = device
        try:
            reply = self.request(requests.attach_device_memory(device_id, memory.size),
                                 fds=[memory.fd], timeout=max(0.001, deadline - time.monotonic()),
                                 expect=DeviceDescription)
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
        if self._state == "running":
            self.request(requests.destroy_device(device.id))

    def restart(self) -> None:
        """Starts a new process (killing the old one if it still runs) and re-creates every
        device in it with its last saved state, the parameter values set since, its
        connections and its activation. Raises SandboxError when that fails; the sandbox
        is then crashed."""
        with self._life_lock:
            if self._state == "stopped":
                raise ScuffError("the sandbox is closed; create a new one")
            self._restart_times.append(time.monotonic())
            self._restart_locked()

    def close(self) -> None:
        """Stops the process. Its devices are gone with it."""
        with self._life_lock:
            with self._lock:
                if self._state == "stopped":
                    return
            # One that stopped answering will not exit when asked: it is not waited for.
            unresponsive = self._state == "unresponsive"
            self._signals.alive = False
            self._group._engine.remove_sandbox(self._signals)
            self._set_state("stopped", Reason.CLOSED, "closed by the client")
            if unresponsive:
                self._current.kill("closed while unresponsive")
            self._current.close(timeout=2.0)
        self._group._forget_sandbox(self)

    # --- control messages ---

    def readable_file(self, path: Path) -> contextlib.AbstractContextManager[str]:
        """The path under which the sandbox's current process reads the file `path`, while
        the context lasts: `path` itself when its confinement lets it read there, else a copy
        in its private folder. Raises OSError when `path` cannot be copied."""
        return self._current.readable_file(path)

    def request(self, body: requests.RequestBody, *, fds: Sequence[int] = (),
                timeout: float | None = None, expect: type[Reply] = Ok) -> Reply:  # type: ignore[assignment]
        """Sends a control request to the current process and waits for its reply, an
        `expect`: what this sandbox's devices and group do; applications use their methods.
        A request that goes unanswered makes the sandbox unresponsive; a reply of another
        kind stops it."""
        with self._lock:
            if self._state in ("crashed", "stopped"):
                raise SandboxCrashedError(f"sandbox {self.pid} is {self._state}: {self._detail}")
            # A sandbox known to be unresponsive answers at once: waiting for it again would
            # cost every call its whole deadline. restart() brings it back.
            if self._state == "unresponsive":
                raise SandboxTimeoutError(f"sandbox {self.pid} is unresponsive ({self._detail}); "
                                          "restart() it")
            process = self._current
        try:
            return process.call(body, fds=fds, timeout=timeout or self._client.control_timeout, expect=expect)
        except SandboxTimeoutError as error:
            if process is self._process:
                self._set_state("unresponsive", Reason.UNRESPONSIVE, str(error), only_from=("running",))
            raise

    def _expect_description(self, reply: DeviceDescription, device_id: int) -> DeviceDescription:
        if reply.device != device_id:
            raise self.stop_for_lie(f"sent a wrong reply for device {device_id}")
        return reply

    def stop_for_lie(self, what: str) -> ProtocolError:
        """Kills the current process for sending something untrue (`what` it did), and
        returns the error to raise: nothing it says after a lie is believed."""
        self._current.kill(what, Reason.PROTOCOL_ERROR)
        return ProtocolError(f"sandbox {self.pid} {what}")

    def _discard_device(self, device_id: int) -> None:
        try:
            self.request(requests.destroy_device(device_id))
        except ScuffError:
            pass

    # --- the process ---

    def _start_process(self) -> SandboxProcess:
        process = SandboxProcess(self._client._events, self._client._spawn, self._signals, self._group.sample_rate,
                                 self._group.block_size, self._on_message, self._on_exit, self._limits,
                                 self._settings_vendor, self._on_refusal)
        try:
            process.wait_ready(START_TIMEOUT)
            if self._group.offline:
                process.call(requests.set_process_mode(True), timeout=self._client.control_timeout)
        except SandboxError as error:
            process.close(timeout=0.5)
            self._set_state("crashed", Reason.FAILED_TO_START, str(error))
            raise
        return process

    def _fit_process(self, path: Path, plugin: object, plugin_id: str | None) -> None:
        """A plugin's files must be readable, and its first device's vendor's settings home is
        the home folder; both are fixed when a process starts. An empty sandbox's process is
        simply replaced by a fit one. One with devices keeps its home (they share it) and, when
        it may not read the plugin's folder, moves to a process that may as in a restart: each
        device is saved first and restored in the new process with its connections (listeners
        hear 'starting', saying why, then 'running'). Other sandboxes of the group play on."""
        with self._life_lock:
            readable = self._current.may_read(path)
            vendor = (self._client._plugin_vendor(plugin, path, plugin_id)
                      if self._limits.confine and not self._devices else None)
            new_home = vendor is not None and vendor != self._settings_vendor
            if readable and not new_home:
                return
            folder = plugin_folder(path.resolve())
            if not readable:
                remember_plugin_folder(folder)
            if self._state != "running":
                if readable:
                    return
                raise PluginLoadError(f"{path} is outside the folders sandbox {self.pid} may read, and the "
                                      f"sandbox is {self._state}: restart() it, then create the device")
            if self._devices:
                self._save_devices_for_move(folder)
                self._restart_locked(f"restarting to read {folder}")
                return
            old = self._current
            self._replacing = True
            # No plan may be sent while the process is swapped: another thread's graph change
            # would reach the old process, gone, and fail; the new one is sent the plan after.
            with self._group._sending_plans_paused(self):
                try:
                    self._signals.alive = False
                    old.kill("replaced by a process fit for the plugin")
                    old.close(timeout=2.0)
                    self._settings_vendor = vendor if new_home else self._settings_vendor
                    self._process = self._start_process()
                finally:
                    self._replacing = False
                self._signals.revive()

    def _save_devices_for_move(self, folder: Path) -> None:
        """Saves every device's state for a move to another process: a device whose state
        cannot be read keeps the sandbox where it is, so nothing is lost."""
        for device in sorted(self._devices.values(), key=lambda d: d.id):
            try:
                device.save()
            except ScuffError as error:
                raise PluginLoadError(
                    f"sandbox {self.pid} may not read {folder} and could not move to a process that may: "
                    f"the state of {device.name} could not be saved ({error}); create the device in a new "
                    "sandbox, or give this one limits=scuff.SandboxLimits(allowed_paths=[...])") from error

    def _restart_locked(self, why: str = "restarting") -> None:
        old = self._current
        self._signals.alive = False
        self._set_state("starting", Reason.RUNNING, why)
        old.kill("killed for a restart")
        old.close(timeout=2.0)
        # The old process's end, when it came before close(), is not the new one's.
        self._exit_while_starting = None
        try:
            self._process = self._start_process()
            for device in sorted(self._devices.values(), key=lambda d: d.id):
                device._restore()
            self._group._resend_plan(self)
            for device in sorted(self._devices.values(), key=lambda d: d.id):
                device._reopen_editor()
        except ScuffError as error:
            self._current.kill("failed to restart")
            self._set_state("crashed", Reason.FAILED_TO_START, f"restart failed: {error}")
            raise SandboxError(f"sandbox could not be restarted: {error}") from error
        self._signals.revive()
        self._finish_start()

    def _finish_start(self) -> None:
        """The last step of a start or restart: running, unless the new process has died
        meanwhile (crashed, with how it ended)."""
        with self._lock:
            exited, self._exit_while_starting = self._exit_while_starting, None
            if exited is None and self._set_state("running", Reason.RUNNING, "", only_from=("starting",)):
                return
            if exited is not None:
                self._set_state("crashed", exited[0], exited[1], only_from=("starting",))
        raise SandboxError(f"sandbox {self.pid} did not start: {self._detail}")

    def _on_refusal(self, refusal: Refusal) -> None:
        """Event-loop thread: the user's callback hears of it on a thread of its own."""
        if self._client.on_refusal is not None:
            self._client._call_back(self._client.on_refusal, self, refusal)

    def _on_message(self, message: object) -> None:
        """Event-loop thread: logs, device changes and parameters the plugin edited."""
        if isinstance(message, LogMessage):
            known = 0 <= message.severity < len(_LOG_LEVELS)
            level = _LOG_LEVELS[message.severity] if known else logging.INFO
            log.log(level, "sandbox %d, device %d: %s", self.pid, message.device, message.text)
        elif isinstance(message, DeviceChangedMessage):
            device = self._devices.get(message.info.device)
            if device is not None:
                latency_changed = device.latency != message.info.latency
                device._update(message.info)
                # Whatever the plugin changed on its own may be part of its state.
                device._mark_dirty()
                if latency_changed:
                    self._group._latency_changed()
        elif isinstance(message, ParamEditedMessage):
            device = self._devices.get(message.device)
            if device is not None:
                device._on_param_edited(message.param, message.value)
        elif isinstance(message, EditorChangedMessage):
            device = self._devices.get(message.editor.device)
            if device is not None:
                device._on_editor_changed(message.editor)

    def _on_exit(self, process: SandboxProcess, returncode: int) -> None:
        """Event-loop thread: a process ended. Only the current one may report its end: a
        replaced one is ignored."""
        if process is not self._process or self._replacing:
            return
        self._signals.alive = False
        reports = process.reports
        detail = describe_exit(returncode)
        if process.kill_code is not None:
            reason = process.kill_code
        elif reports.forbidden_syscall is not None or returncode == -signal.SIGSYS:
            reason = Reason.FORBIDDEN_SYSCALL
            detail = f"{detail}: the plugin made a forbidden system call, {reports.forbidden_syscall or 'unknown'}"
        elif reports.memory_limit_reached:
            reason = Reason.MEMORY_LIMIT
            detail = f"{detail}: the plugin reached the memory limit ({self._limits.memory_mb} MB)"
        elif returncode == -signal.SIGXCPU:
            reason = Reason.CPU_LIMIT
            detail = f"{detail}: the plugin used up its CPU time ({self._limits.cpu_seconds:g} s)"
        elif returncode < 0:
            reason = Reason.CRASHED
        else:
            reason = Reason.EXITED
        if process.kill_reason:
            detail = f"{detail} ({process.kill_reason})"
        with self._lock:
            if self._state == "starting":
                # A process that dies while it starts is a failed start: the starter reports it.
                self._exit_while_starting = (reason, f"scuff-sbox {detail}")
                return
            self._set_state("crashed", reason, f"scuff-sbox {detail}", only_from=("running", "unresponsive"))

    def _set_state(self, state: SandboxState, reason: Reason, detail: str,
                   only_from: Collection[str] | None = None) -> bool:
        """Takes `state` (if the sandbox is in one of `only_from`, when given) and tells the
        listeners; whether it was taken. The check and the change are one step under the
        lock, so a thread acting on a state it read earlier cannot undo a newer one (a
        crash seen meanwhile stays a crash)."""
        with self._lock:
            if self._state == "stopped" and state != "stopped":
                return False
            if only_from is not None and self._state not in only_from:
                return False
            if (self._state, self._reason, self._detail) == (state, reason, detail):
                return False
            self._state, self._reason, self._detail = state, reason, detail
            # Queued under the lock: listeners hear the states in the order they were taken,
            # even when two threads change the state one right after the other.
            self._client._notify(SandboxEvent(self, state, reason, detail))
        if state in ("crashed", "unresponsive"):
            # No pid yet when the first process fails to start.
            pid = self._process.pid if self._process is not None else "(never started)"
            log.warning("sandbox %s is %s: %s", pid, state, detail)
        return True

    # --- supervision (the client's supervisor thread) ---

    def _supervise(self, now: float) -> None:
        """Marks a sandbox that keeps missing cycles unresponsive (and running again once
        it catches up), and starts the restart policy's restarts."""
        missed = self._signals.consecutive_missed
        limit = self._group.unresponsive_after
        if self._state == "running" and missed >= limit:
            self._set_state("unresponsive", Reason.UNRESPONSIVE, f"missed {missed} audio cycles in a row",
                            only_from=("running",))
        elif (self._state == "unresponsive" and self._detail.startswith("missed") and missed == 0
              and not self._signals.late):
            # Only an unresponsive sandbox catches up: one that crashed meanwhile stays crashed.
            if self._set_state("running", Reason.RUNNING, "", only_from=("unresponsive",)):
                # Graph changes made meanwhile were not sent to it.
                self._client._submit(self._group._resend_plan, self)
        policy = self.restart_policy
        if policy is None or self._state not in ("crashed", "unresponsive") or self._restart_pending:
            return
        recent = [t for t in self._restart_times if now - t < policy.window]
        if len(recent) >= policy.max_restarts:
            if not self._gave_up:
                self._gave_up = True
                log.error("sandbox %d: gave up after %d restarts within %g s", self.pid, len(recent), policy.window)
                self._set_state(self._state, self._reason,
                                f"{self._detail}; gave up after {len(recent)} restarts within {policy.window:g} s")
            return
        self._restart_pending = True
        delay = policy.delay(len(recent))
        self._client._submit(self._restart_by_policy, delay)

    def _restart_by_policy(self, delay: float) -> None:
        time.sleep(delay)
        try:
            with self._life_lock:
                if self._state in ("crashed", "unresponsive"):
                    self._restart_times.append(time.monotonic())
                    self._restart_locked()
        except ScuffError as error:
            log.error("sandbox %d: automatic restart failed: %s", self.pid, str(error))
        finally:
            self._restart_pending = False

    def _autosave(self) -> None:
        """Saves every device whose parameters or state changed since its last save."""
        try:
            for device in self.devices:
                if self._state != "running":
                    return
                if device._dirty:
                    device._autosave()
        except SandboxCrashedError as error:
            # The crash itself is reported; the save it cut short is not news.
            log.debug("sandbox %d: autosave cut short: %s", self.pid, str(error))
        except ScuffError as error:
            log.warning("sandbox %d: autosave failed: %s", self.pid, str(error))
        finally:
            self._autosaving = False

    def _claim_autosave(self) -> bool:
        """True, and the autosave is this caller's to run, when one is due and none runs."""
        if self._autosaving or self._state != "running" or not any(d._dirty for d in self.devices):
            return False
        self._autosaving = True
        return True

