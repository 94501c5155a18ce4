"""One run of a scuff-sbox process: its control channel, its output, and the moment it ends.
A sandbox that restarts gets a new SandboxProcess; the old one's late events are ignored."""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import socket
import subprocess
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from ..confine.environment import confined_environment, xauthority_file
from ..confine.limits import SandboxLimits, confinement_arguments, may_read, read_roots, readable_paths
from ..confine.refusals import Refusal
from ..confine.report import Confinement, ConfinementItem, ReportReader, unreported
from ..confine.settings_homes import prepare_settings_home
from ..confine.x11_grant import X11Grant, before_first_editor, grant_display
from ..confine.x11_nested import make_socket_folder
from ..errors import (
    EditorError,
    NoDisplayError,
    ParamError,
    PluginLoadError,
    PresetError,
    ProtocolError,
    SandboxCrashedError,
    SandboxError,
    SandboxTimeoutError,
    ScuffError,
    StateError,
)
from ..wire import requests
from ..wire.replies import EditorReply, FailureReply, Ok, ReadyMessage, ReplyBody, ResponseMessage, parse
from .control_channel import ControlChannel
from .event_loop import EventLoop, read_available
from .executables import executable
from .exits import Reason, describe_exit
from .private_dirs import copy_inside, make_private_dir, remove_private_dir

if TYPE_CHECKING:
    from .._native import SandboxSignals

# Starts a program: its arguments, the descriptors it inherits, where its output goes and
# its environment (subprocess.Popen's, from the one thread that starts sandboxes).
Spawn = Callable[..., subprocess.Popen[bytes]]

log = logging.getLogger("scuff.sandbox")

Reply = TypeVar("Reply", bound=ReplyBody)

_FAILURE_ERRORS: dict[str, type[ScuffError]] = {
    "FileNotFound": PluginLoadError,
    "NotAPlugin": PluginLoadError,
    "PluginNotFound": PluginLoadError,
    "PluginFailed": PluginLoadError,
    "NoSuchParam": ParamError,
    "BadParamText": ParamError,
    "BadState": StateError,
    "Timeout": SandboxTimeoutError,
    "NoDisplay": NoDisplayError,
    "EditorFailed": EditorError,
    "NoPresetLoad": PresetError,
    "PresetLoadFailed": PresetError,
}

# What an editor that failed under an untrusted X cookie may have lacked.
UNTRUSTED_EDITOR = (" (under SandboxLimits(x11='untrusted') the X server lets the sandbox make no window inside "
                    "another client's and gives it only the extensions untrusted clients get, no OpenGL: an "
                    "embedded editor, or one that draws with OpenGL, needs x11='trusted')")

# After its control socket closes, a process gets this long to exit before it is killed.
EXIT_GRACE = 0.5
# The confinement report is written before the ready message; this bounds the wait for it
# once the process is ready.
REPORT_GRACE = 1.0


class SandboxProcess:
    """Starts scuff-sbox through `spawn` and talks to it; `events` watches its descriptors.
    `on_message` gets every message that is not a reply (logs, device changes); `on_exit`
    gets this process and its exit status once it is gone. Both run on the event loop's
    thread, and so does `on_refusal`, given each refusal the process reports. A confined
    process shows the settings home of `settings_vendor` as its home folder (a scratch
    home when None)."""

    def __init__(self, events: EventLoop, spawn: Spawn, signals: SandboxSignals, sample_rate: float,
                 max_frames: int,
                 on_message: Callable[[object], None],
                 on_exit: Callable[[SandboxProcess, int], None],
                 limits: SandboxLimits | None = None, settings_vendor: str | None = None,
                 on_refusal: Callable[[Refusal], None] | None = None) -> None:
        self._events = events
        self._on_message = on_message
        self._on_exit = on_exit
        self._lock = threading.Lock()
        self._pending: dict[int, Future[ReplyBody]] = {}
        self._request_ids = itertools.count(1)
        self._ready: Future[None] = Future()
        self._gone = False
        self._believed = True
        self._released = False
        self._exit_timer: threading.Timer | None = None
        # Why the client ended the process, when it did: in words, and as a code.
        self.kill_reason = ""
        self.kill_code: Reason | None = None
        self.limits = limits if limits is not None else SandboxLimits.unconfined()
        self._confinement: Future[Confinement] = Future()
        # What its X connections may do: known once the client made its cookie.
        # How its editors reach the X server, "auto" decided once, at its start.
        self.x11_mode = self.limits.x11_mode()
        self._x11_item: ConfinementItem | None = (before_first_editor(self.limits, self.x11_mode)
                                                  if self.limits.confine else None)
        self._display_lock = threading.Lock()
        self._display_granted = False
        self._x11_grant: X11Grant | None = None
        self.reports = ReportReader(self.limits, lambda: f"sandbox {self.pid}", self._set_confinement, on_refusal)
        # The sandbox's TMPDIR, and the only temporary folder it may write to.
        self._private_dir = make_private_dir("sbox") if self.limits.confine else None
        # x11="nested": the folder its view shows as the X socket folder (see confine/x11_nested.py).
        nested = self.limits.confine and self.x11_mode == "nested"
        self._x11_folder = make_socket_folder() if nested else None
        # x11="nested": each shown editor's size and window, by device id.
        self._editor_sizes: dict[int, tuple[tuple[int, int], int]] = {}
        # What this process may read, fixed at its start: Landlock cannot widen it later.
        self.readable_paths = readable_paths(self.limits)
        self._read_roots = read_roots(self.limits, self.readable_paths)
        self.settings_vendor = settings_vendor if self.limits.confine else None
        try:
            settings_home = prepare_settings_home(self.settings_vendor) if self.settings_vendor is not None else None
        except BaseException:
            self._remove_private_dir()
            raise
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        report_reader, report_writer = os.pipe()
        args = [
            str(executable("scuff-sbox")),
            "--control-fd", str(child.fileno()),
            "--signals-fd", str(signals.fd),
            "--sample-rate", repr(float(sample_rate)),
            "--max-frames", str(max_frames),
            "--report-fd", str(report_writer),
            *confinement_arguments(self.limits, private_dir=self._private_dir, readable=self.readable_paths,
                                   settings_home=settings_home, x11_socket_folder=self._x11_folder),
        ]
        env = confined_environment(self.limits, self._private_dir)
        output_reader, output_writer = os.pipe()
        try:
            self.process = spawn(args, pass_fds=(child.fileno(), signals.fd, report_writer),
                                 output=output_writer, env=env)
        except BaseException:
            parent.close()
            os.close(output_reader)
            os.close(report_reader)
            self._remove_private_dir()
            raise
        finally:
            child.close()
            os.close(output_writer)
            os.close(report_writer)
        self._report = report_reader
        os.set_blocking(report_reader, False)
        self._channel = ControlChannel(parent)
        self._output = output_reader
        os.set_blocking(output_reader, False)
        # Readable the moment the process ends, whatever happens to its sockets.
        self._pidfd = os.pidfd_open(self.process.pid)
        events.watch(parent.fileno(), self._on_readable)
        events.watch(output_reader, self._on_output)
        events.watch(report_reader, self._on_report)
        events.watch(self._pidfd, self._on_pidfd)

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def gone(self) -> bool:
        return self._gone

    @property
    def confinement(self) -> Confinement:
        """What the process reported it enforces (known once it is ready), and what its X
        connections may do."""
        if self._confinement.done() and self._confinement.exception() is None:
            reported = self._confinement.result()
            if self._x11_item is None:
                return reported
            return Confinement(reported.limits, (*reported.items, self._x11_item))
        return unreported(self.limits, "the sandbox process has not reported its confinement")

    def may_read(self, path: Path) -> bool:
        """Whether this process may read `path` where it is."""
        return may_read(path, self._read_roots)

    @contextlib.contextmanager
    def readable_file(self, path: Path) -> Iterator[str]:
        """The path under which this process reads the file `path`, for the length of the
        block: `path` itself (absolute) when the process may read it, else a copy in its
        private folder, since a confined process sees no other folder of the user's. Raises
        OSError when a copy is needed and `path` cannot be read."""
        if self._private_dir is None or self.may_read(path):
            yield str(path.absolute())
            return
        with copy_inside(self._private_dir, path) as copy:
            yield str(copy)

    def prepare_display(self, title: str) -> None:
        """Before its first editor, a confined process gets an X cookie of its own in its
        private folder, or with x11="nested" a server of its own, its window titled `title`
        (see confine/x11_grant.py). Raises NoDisplayError or EditorError when the X server
        cannot give it one."""
        if self._private_dir is None:
            return
        with self._display_lock:
            if self._display_granted:
                return
            grant = grant_display(self.x11_mode, xauthority_file(self._private_dir), self._x11_folder, title)
            self._display_granted = True
            if grant is not None:
                self._x11_grant, self._x11_item = grant, grant.item
                if grant.nested is not None:
                    self._events.watch(grant.nested.close_requests, self._on_nested_window_event)
            if self._gone:
                self._revoke_display()

    @property
    def nested_display(self) -> bool:
        """Whether its editors are on a nested X server of its own (x11="nested")."""
        return self._x11_folder is not None

    @property
    def nested_window(self) -> int:
        """x11="nested": the nested server's window on the session's display (0: none yet)."""
        grant = self._x11_grant
        return grant.nested.window if grant is not None and grant.nested is not None else 0

    def fit_display(self, device_id: int, size: tuple[int, int] | None, window: int = 0, title: str | None = None,
                    transient_for: int = 0) -> None:
        """x11="nested": the nested server's window holds the shown editors side by side, in
        the order they were shown (`size` None: the device's is hidden; with none shown the
        window is hidden too), titled for the one shown last, transient for the host's window
        `transient_for`. `window` is the editor's, on the nested server."""
        with self._display_lock:
            grant = self._x11_grant
            if size is None:
                self._editor_sizes.pop(device_id, None)
            else:
                self._editor_sizes[device_id] = (size, window)
            editors = [(shown_window, shown) for shown, shown_window in self._editor_sizes.values()]
        if grant is None or grant.nested is None:
            return
        grant.nested.fit(editors, title, transient_for)

    def _on_nested_window_event(self) -> None:
        """Event-loop thread: the nested server's window got events; when the user closed
        it, each editor in it is closed as its own close button would."""
        grant = self._x11_grant
        if grant is None or grant.nested is None:
            return
        closed = grant.nested.closed_by_user()
        if grant.nested.window_lost:
            self._events.unwatch(grant.nested.close_requests)
        if closed:
            with self._display_lock:
                windows = [window for _, window in self._editor_sizes.values() if window]
            grant.nested.close_editors(windows)

    def _revoke_display(self) -> None:
        with self._lock:
            grant, self._x11_grant = self._x11_grant, None
        if grant is not None:
            if grant.nested is not None:
                self._events.unwatch(grant.nested.close_requests)
            grant.revoke()

    def wait_ready(self, timeout: float) -> None:
        try:
            self._ready.result(timeout)
        except FutureTimeout:
            self.kill("did not start in time", Reason.FAILED_TO_START)
            raise SandboxTimeoutError(f"scuff-sbox did not start within {timeout:g} s") from None
        except SandboxError as error:
            raise SandboxError(f"scuff-sbox failed to start: {error}") from None
        try:
            self._confinement.result(REPORT_GRACE)
        except FutureTimeout:
            self._set_confinement(unreported(self.limits, "the sandbox process sent no confinement report"))

    def call(self, body: requests.RequestBody, *, fds: Sequence[int] = (), timeout: float,
             expect: type[Reply] = Ok) -> Reply:  # type: ignore[assignment]
        """Sends a request and waits for its reply, which must be an `expect` (or a failure:
        then raises the error it stands for). A reply of another kind is a lie: the process
        is killed for it."""
        with self._lock:
            if self._gone:
                raise SandboxCrashedError(f"sandbox process {self.pid} is gone")
            request_id = next(self._request_ids)
            future: Future[ReplyBody] = Future()
            self._pending[request_id] = future
        try:
            self._channel.send(requests.frame(request_id, body), fds)
        except OSError:
            self._pending.pop(request_id, None)
            raise SandboxCrashedError(f"sandbox process {self.pid} is gone") from None
        try:
            reply = future.result(timeout)
        except FutureTimeout:
            self._pending.pop(request_id, None)
            raise SandboxTimeoutError(f"sandbox {self.pid} did not answer within {timeout:g} s") from None
        except SandboxCrashedError as error:
            # Some plugins crash rather than fail without OpenGL.
            if expect is EditorReply and self._untrusted_display():
                raise SandboxCrashedError(f"{error}{UNTRUSTED_EDITOR}") from None
            raise
        if isinstance(reply, FailureReply):
            message = reply.message
            if reply.code == "EditorFailed" and self._untrusted_display():
                message += UNTRUSTED_EDITOR
            raise _FAILURE_ERRORS.get(reply.code, SandboxError)(message)
        if not isinstance(reply, expect):
            what = f"sent {type(reply).__name__} in answer to a request for {expect.__name__}"
            self.kill(what, Reason.PROTOCOL_ERROR)
            raise ProtocolError(f"sandbox {self.pid} {what}")
        return reply

    def _untrusted_display(self) -> bool:
        return self._display_granted and self.x11_mode == "untrusted"

    def kill(self, reason: str, code: Reason = Reason.CRASHED) -> None:
        """Ends the process at once; `reason` and `code` say why, for its exit report."""
        with self._lock:
            if not self.kill_reason:
                self.kill_reason, self.kill_code = reason, code
            if code == Reason.PROTOCOL_ERROR:
                # Nothing it says after a lie is believed, not even a reply that was on its way.
                self._believed = False
        if code == Reason.PROTOCOL_ERROR:
            self._events.unwatch(self._channel.socket.fileno())
        try:
            self.process.kill()
        except ProcessLookupError:
            pass

    def close(self, timeout: float) -> None:
        """Closes the control channel, so the process exits by itself; kills it if it does
        not within `timeout`; reaps it and releases every descriptor."""
        with self._lock:
            self._gone = True
        self._events.unwatch(self._channel.socket.fileno())
        self._channel.close()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._release()
        self._fail_pending(SandboxCrashedError("the sandbox was closed"))

    def _release(self) -> None:
        """Event-loop or closing thread: the pidfd and output pipe are no longer needed."""
        with self._lock:
            if self._released:
                return
            self._released = True
            if self._exit_timer is not None:
                self._exit_timer.cancel()
        self._events.unwatch(self._pidfd)
        self._events.unwatch(self._output)
        self._events.unwatch(self._report)
        self._events.call_soon(self._close_descriptors)
        self._revoke_display()
        self._remove_private_dir()

    def _remove_private_dir(self) -> None:
        if self._private_dir is not None:
            remove_private_dir(self._private_dir)
        if self._x11_folder is not None:
            remove_private_dir(self._x11_folder)

    def _close_descriptors(self) -> None:
        # On the event-loop thread, after the unwatch calls queued before it.
        for fd in (self._pidfd, self._output, self._report):
            try:
                os.close(fd)
            except OSError:
                pass
        self._channel.close()

    # --- event-loop thread ---

    def _on_readable(self) -> None:
        if not self._believed:
            return
        try:
            data = self._channel.socket.recv(1 << 16, socket.MSG_DONTWAIT)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            # The process is ending or has lost its way: the pidfd tells when it is gone.
            self._events.unwatch(self._channel.socket.fileno())
            self._exit_timer = threading.Timer(
                EXIT_GRACE, self.kill, args=("closed its control channel", Reason.PROTOCOL_ERROR))
            self._exit_timer.daemon = True
            self._exit_timer.start()
            return
        try:
            for frame in self._channel.feed(data):
                if not self._believed:
                    return
                message = parse(frame)
                if isinstance(message, ResponseMessage):
                    with self._lock:
                        future = self._pending.pop(message.request_id, None)
                    if future is not None:
                        future.set_result(message.reply)
                elif isinstance(message, ReadyMessage):
                    if not self._ready.done():
                        self._ready.set_result(None)
                else:
                    self._on_message(message)
        except ProtocolError as error:
            self.kill(str(error), Reason.PROTOCOL_ERROR)

    def _on_output(self) -> None:
        data = read_available(self._output)
        if data is None:
            self._events.unwatch(self._output)
            return
        for line in data.decode("utf-8", errors="replace").splitlines():
            if line.strip():
                log.debug("sandbox %d: %s", self.pid, line)

    def _on_report(self) -> None:
        data = read_available(self._report)
        if data is None:
            self._events.unwatch(self._report)
            return
        self.reports.feed(data)

    def _set_confinement(self, confinement: Confinement) -> None:
        if not self._confinement.done():
            self._confinement.set_result(confinement)

    def _on_pidfd(self) -> None:
        returncode = self.process.wait()
        # What the process reported just before it died is read before its end is judged.
        try:
            while data := read_available(self._report):
                self.reports.feed(data)
        except OSError:
            pass
        with self._lock:
            already_gone = self._gone
            self._gone = True
        if already_gone:
            return
        self._events.unwatch(self._channel.socket.fileno())
        self._release()
        error = SandboxCrashedError(f"sandbox {self.pid} {self.kill_reason or describe_exit(returncode)}")
        if not self._ready.done():
            self._ready.set_exception(error)
        self._fail_pending(error)
        self._on_exit(self, returncode)

    def _fail_pending(self, error: Exception) -> None:
        with self._lock:
            pending, self._pending = self._pending, {}
        for future in pending.values():
            if not future.done():
                future.set_exception(error)
