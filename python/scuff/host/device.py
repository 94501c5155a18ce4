"""A device: one plugin instance living in a sandbox."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from .._native import DeviceMemory
from ..errors import AudioFormatError, EditorError, ParamError, StateError
from ..events.layout import RECORD
from ..events.notes import Event
from ..events.records import from_records
from ..formats import PluginFormat, plugin_format
from ..wire import requests
from ..wire.param import Param
from ..wire.replies import DeviceDescription, EditorReply, ParamValueReply, StateReply, TextReply
from .async_forms import DeviceAsync
from .device_copies import DeviceCopies
from .device_presets import DevicePresets
from .ports import InputPort, NoteInputPort, NoteOutputPort, OutputPort
from .stats import DeviceStats, device_stats

if TYPE_CHECKING:
    from .sandbox import Sandbox

log = logging.getLogger("scuff")


ParamKey = int | str | Param


class Device(DeviceCopies, DevicePresets, DeviceAsync):
    """One instance of a plugin, hosted in a sandbox process.

    Created with `Sandbox.create_device`. A Device used where a port is expected stands
    for its port 0.
    """

    def __init__(self, sandbox: Sandbox, device_id: int, description: DeviceDescription,
                 memory: DeviceMemory, path: str) -> None:
        self._sandbox = sandbox
        self._id = device_id
        self._description = description
        self._memory = memory
        self._path = path
        self._param_lock = threading.Lock()
        # What a restart restores: the last saved state, then the values set since.
        self._saved_state: bytes | None = None
        self._saved_at: float | None = None
        self._values_since_save: dict[int, tuple[float, int]] = {}
        self._change_count = 0
        self._dirty = False
        # The editor as the sandbox last described it, and how it was asked for (parent,
        # embed), so that a restart opens it again; None while it is not shown.
        self._editor: EditorReply | None = None
        self._editor_request: tuple[int, bool] | None = None
        self.on_param_edit: Callable[[Device, Param, float], None] | None = None
        """Called (on a thread of scuff's) with this device, the parameter and its plain value
        each time the plugin changes a parameter itself, as from a gesture in its editor;
        `Client(on_param_edit=...)` is called too."""
        self.on_editor_closed: Callable[[Device], None] | None = None
        """Called (on a thread of scuff's) when the user closes the editor's window."""

    def __repr__(self) -> str:
        return f"<scuff.Device {self._id} {self.plugin_id!r} in sandbox {self._sandbox.pid}>"

    @property
    def id(self) -> int:
        return self._id

    @property
    def sandbox(self) -> Sandbox:
        return self._sandbox

    @property
    def path(self) -> str:
        """The plugin file this device was created from."""
        return self._path

    @property
    def format(self) -> PluginFormat:
        """"clap" or "vst3": the format of the plugin file, told by its name."""
        found = plugin_format(self._path)
        # Only a path with a known format reaches a sandbox (Client checks it first).
        assert found is not None, self._path
        return found

    @property
    def saved_state(self) -> bytes | None:
        """The state last saved (by autosave, `save` or `load`), which a restart restores;
        None before the first save. Parameter values set since are restored on top."""
        return self._saved_state

    @property
    def saved_at(self) -> float | None:
        """When `saved_state` was taken, as a `time.time()` timestamp."""
        return self._saved_at

    @property
    def plugin_id(self) -> str:
        return self._description.plugin_id

    @property
    def name(self) -> str:
        return self._description.name

    @property
    def stats(self) -> DeviceStats:
        """How long this device's process calls took since it was created or
        `reset_stats`, as its sandbox timed them: always on, read from shared memory."""
        group = self._sandbox.group
        return device_stats(self._memory, group.sample_rate, group.block_size)

    def reset_stats(self) -> None:
        """Starts `stats` again from zero. The sandbox carries the reset out before the
        device's next block; until then `stats` reads as zero."""
        self._memory.request_stats_reset()

    @property
    def params(self) -> list[Param]:
        """The plugin's parameters, as it last described them."""
        return list(self._description.params)

    @property
    def latency(self) -> int:
        """The plugin's processing latency, in samples."""
        return self._description.latency

    @property
    def note_inputs(self) -> int:
        """How many note inputs the plugin has (CLAP note ports, VST3 event buses)."""
        return self._description.note_inputs

    @property
    def note_outputs(self) -> int:
        """How many note outputs the plugin has."""
        return self._description.note_outputs

    @property
    def inputs(self) -> list[int]:
        """The channel count of each audio input port."""
        return [port.channels for port in self._description.inputs]

    @property
    def outputs(self) -> list[int]:
        """The channel count of each audio output port."""
        return [port.channels for port in self._description.outputs]

    def input(self, index: int = 0) -> InputPort:
        if not 0 <= index < len(self._description.inputs):
            raise AudioFormatError(
                f"{self.name} has {len(self._description.inputs)} audio input port(s); "
                f"there is no input {index}")
        return InputPort(self, index)

    def output(self, index: int = 0) -> OutputPort:
        if not 0 <= index < len(self._description.outputs):
            raise AudioFormatError(
                f"{self.name} has {len(self._description.outputs)} audio output port(s); "
                f"there is no output {index}")
        return OutputPort(self, index)

    def note_input(self, index: int = 0) -> NoteInputPort:
        if not 0 <= index < self.note_inputs:
            raise AudioFormatError(f"{self.name} has {self.note_inputs} note input(s); there is no note input {index}")
        return NoteInputPort(self, index)

    def note_output(self, index: int = 0) -> NoteOutputPort:
        if not 0 <= index < self.note_outputs:
            raise AudioFormatError(
                f"{self.name} has {self.note_outputs} note output(s); there is no note output {index}")
        return NoteOutputPort(self, index)

    @property
    def output_events(self) -> list[tuple[int, Event]]:
        """What the device output on its note outputs during the last `render` or `process`
        of its group, as (note output, event), frames counted from that call's start."""
        records = self._sandbox.group._engine.output_events(self._memory).view(RECORD)
        return from_records(records, self.note_outputs)

    def param_text(self, key: ParamKey, value: float | None = None) -> str:
        """The plugin's own text for a plain value of a parameter (its current value when
        `value` is None), such as "-24.0 dB"."""
        param = self.param(key)
        if value is None:
            value = self.get_param(param)
        number = self._checked_value(param, value)
        return self._sandbox.request(requests.param_to_text(self._id, param.id, number), expect=TextReply).text

    def param_from_text(self, key: ParamKey, text: str) -> float:
        """The plain value the plugin reads in `text` (as its own display text shows values).
        Raises ParamError when the plugin cannot read it."""
        param = self.param(key)
        if not isinstance(text, str):
            raise ParamError(f"a parameter's text is a str, not {type(text).__name__}")
        try:
            reply = self._sandbox.request(requests.param_from_text(self._id, param.id, text), expect=ParamValueReply)
        except ParamError:
            raise ParamError(f"{self.name} cannot read {text!r} as a value of {param.name!r}") from None
        if not math.isfinite(reply.value):
            raise self._sandbox.stop_for_lie(f"answered a text request with {reply!r}")
        # A text shows a rounded value: read back, it may fall a hair outside the range.
        return min(max(reply.value, param.min), param.max)

    def param(self, key: ParamKey) -> Param:
        """The parameter with this id or name (exact, then ignoring case)."""
        if isinstance(key, Param):
            key = key.id
        params = self._description.params
        if isinstance(key, bool) or not isinstance(key, (int, str)):
            raise ParamError(f"a parameter is named by its id or name, not {type(key).__name__}")
        if isinstance(key, int):
            found = [p for p in params if p.id == key]
        else:
            found = [p for p in params if p.name == key] or [
                p for p in params if p.name.casefold() == key.casefold()]
        if not found:
            names = ", ".join(repr(p.name) for p in params[:12])
            more = ", ..." if len(params) > 12 else ""
            raise ParamError(f"{self.name} has no parameter {key!r} (it has: {names}{more})")
        return found[0]

    def set_param(self, key: ParamKey, value: float) -> None:
        """Sets a parameter to a plain value within its range. The change reaches the
        plugin as an event on its audio thread before this returns. While the sandbox is
        crashed, the value is kept and applied when it restarts."""
        self.schedule_param(key, value)
        if self._sandbox.state != "crashed":
            self._sandbox.request(requests.flush_params(self._id))

    def schedule_param(self, key: ParamKey, value: float, frame: int = 0) -> None:
        """Queues a parameter change that the plugin applies at `frame` of the next block
        it processes (sample-accurate automation from `Group.process`)."""
        param = self.param(key)
        number = self._checked_value(param, value)
        block_size = self._sandbox.group.block_size
        if not 0 <= frame < block_size:
            raise ParamError(f"frame must be within the block (0 to {block_size - 1}), not {frame}")
        with self._param_lock:
            # A crashed sandbox reads no queue: its restart applies the kept values.
            if self._sandbox.state != "crashed" and not self._memory.push_param_change(param.id, number, frame):
                raise ParamError(f"the parameter queue of {self.name} is full")
            self._change_count += 1
            self._values_since_save[param.id] = (number, self._change_count)
            self._dirty = True

    @staticmethod
    def _checked_value(param: Param, value: object) -> float:
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ParamError(f"{param.name!r} needs a number, not {value!r}") from None
        if not math.isfinite(number) or not param.min <= number <= param.max:
            raise ParamError(
                f"{number!r} is outside the range of {param.name!r} "
                f"({param.min:g} to {param.max:g})")
        return number

    def get_param(self, key: ParamKey) -> float:
        """The parameter's current plain value, as the plugin reports it."""
        param = self.param(key)
        return self._sandbox.request(requests.get_param_value(self._id, param.id), expect=ParamValueReply).value

    def save(self) -> bytes:
        """The plugin's state, as opaque bytes."""
        with self._param_lock:
            changes_before = self._change_count
        reply = self._sandbox.request(requests.save_state(self._id), expect=StateReply)
        self._remember_state(reply.data, changes_before)
        return reply.data

    def load(self, state: bytes) -> None:
        """Restores a state saved by `save` (from this or another device of the same plugin).
        While the sandbox is crashed, the state is kept and loaded when it restarts."""
        if not isinstance(state, (bytes, bytearray, memoryview)):
            raise StateError(f"a state is bytes, not {type(state).__name__}")
        data = bytes(state)
        with self._param_lock:
            changes_before = self._change_count
        if self._sandbox.state != "crashed":
            self._sandbox.request(requests.load_state(self._id, data))
        self._remember_state(data, changes_before)

    # --- the editor ---

    @property
    def has_editor(self) -> bool:
        """Whether the plugin has an editor scuff can show (X11: CLAP gui, VST3 IPlugView)."""
        return self._description.has_editor

    @property
    def editor_visible(self) -> bool:
        """Whether the editor is shown (a crashed sandbox shows none; its restart opens it again)."""
        return self._editor is not None and self._editor.visible and self._sandbox.state == "running"

    @property
    def editor_window(self) -> int | None:
        """The X11 id, on the session's display, of the editor's window: the top-level window
        of the sandbox's that holds it, or, when embedded, the window inside the client's
        `parent` that holds the plugin's; when the sandbox's editors are on a nested X server
        (x11="nested", and "auto" where Xephyr is installed), that server's window, which
        all of them share. None while the editor is not shown, or when the plugin floats a
        window of its own on the session's display."""
        editor = self._editor
        if editor is None or not self.editor_visible:
            return None
        process = self._sandbox._current
        if process.nested_display:
            return process.nested_window or None
        return editor.window or None

    @property
    def editor_size(self) -> tuple[int, int] | None:
        """The editor's (width, height) in pixels, None while it is not shown."""
        editor = self._editor
        return (editor.width, editor.height) if editor is not None and self.editor_visible else None

    @property
    def editor_resizable(self) -> bool:
        """Whether the plugin lets its editor be resized."""
        return self._editor is not None and self._editor.resizable

    def show_editor(self, parent: int | None = None, *, embed: bool = False) -> None:
        """Shows the plugin's editor, in its sandbox's process. Without `embed`, it lives in
        a top-level window that is transient for `parent` (else the client's
        `parent_window`), carries the sandbox's pid and the application's `WM_CLASS`, and is
        titled with the plugin's and the application's names, so the window manager keeps
        it with the host's windows. With `embed=True` it is embedded in the X11 window
        `parent`, which the host owns. Raises NoDisplayError without an X display (audio
        goes on), EditorError when the plugin has no editor or it fails."""
        client = self._sandbox.group.client
        if parent is None:
            parent = client.parent_window
        if embed and not parent:
            raise EditorError("embedding an editor needs the window to embed it in: pass parent=")
        window = int(parent or 0)
        if not 0 <= window < 1 << 32:
            raise EditorError(f"{parent!r} is not an X11 window id")
        if not self.has_editor:
            raise EditorError(f"{self.name} has no editor")
        self._open_editor(window, embed)

    def _open_editor(self, parent: int, embed: bool) -> None:
        client = self._sandbox.group.client
        process = self._sandbox._current
        if embed and process.nested_display:
            setting = process.limits.x11
            how = f"x11={setting!r}" + (" (nested: Xephyr is installed)" if setting == "auto" else "")
            raise EditorError(f"{self.name}'s sandbox has SandboxLimits({how}): its editors are on an X server of "
                              "their own and float in its window, so none can be embedded in a window of the "
                              "session's; to embed, make its sandbox with SandboxLimits(x11='trusted')")
        # Its X cookie (or nested server), made by the client before the process's first editor.
        title = f"{self.name} - {client.app_name}"
        process.prepare_display(title)
        # A nested server knows none of the session's windows: its window is made transient instead.
        request = requests.show_editor(self._id, 0 if process.nested_display else parent, embed, client.app_name)
        reply = self._sandbox.request(request, expect=EditorReply)
        self._editor = reply
        self._editor_request = (parent, embed)
        process.fit_display(self._id, (reply.width, reply.height), reply.window, title, parent)
        # The size it last had (kept in sessions) comes back with it.
        hint = self._editor_size_hint
        if hint is not None and reply.resizable and hint != (reply.width, reply.height):
            self.resize_editor(*hint)

    def hide_editor(self) -> None:
        """Closes the editor (`show_editor` opens it again)."""
        self._editor_request = None
        if self._editor is None:
            return
        self._editor_size_hint = (self._editor.width, self._editor.height)
        self._editor = None
        if self._sandbox.state != "crashed":
            self._sandbox.request(requests.hide_editor(self._id), expect=EditorReply)
            self._sandbox._current.fit_display(self._id, None)

    def resize_editor(self, width: int, height: int) -> tuple[int, int]:
        """Asks the editor for a size; the plugin adjusts it to its constraints (or keeps
        its size if it cannot resize). Returns the size it took."""
        if not self.editor_visible:
            raise EditorError(f"the editor of {self.name} is not shown")
        if not (isinstance(width, int) and isinstance(height, int) and 0 < width <= 16384 and 0 < height <= 16384):
            raise EditorError(f"an editor's size is 1 to 16384 pixels each way, not {width!r} x {height!r}")
        reply = self._sandbox.request(requests.resize_editor(self._id, width, height), expect=EditorReply)
        self._editor = reply
        self._sandbox._current.fit_display(self._id, (reply.width, reply.height), reply.window)
        return reply.width, reply.height

    def _on_editor_changed(self, editor: EditorReply) -> None:
        """Event-loop thread: the user closed or resized the editor, or the plugin resized it."""
        if self._editor is None:
            return
        self._editor = editor if editor.visible else None
        try:
            self._sandbox._current.fit_display(self._id, (editor.width, editor.height) if editor.visible else None,
                                               editor.window)
        except EditorError as error:
            log.warning("%s", error)
        if not editor.visible:
            self._editor_request = None
            callback = self.on_editor_closed
            if callback is not None:
                self._sandbox.group.client._call_back(callback, self)

    def _reopen_editor(self) -> None:
        """After a restart: the editor that was open opens again. A failure is logged, never
        raised: the device itself is back."""
        request = self._editor_request
        self._editor = None
        if request is None:
            return
        try:
            self._open_editor(*request)
        except Exception as error:
            self._editor_request = None
            log.warning("the editor of %s did not open again after the restart: %s", self.name, error)

    def _update(self, description: DeviceDescription) -> None:
        """A new description from the sandbox. Its audio ports must be the ones the
        device's memory was laid out for: a plugin's ports do not change while it lives, so
        other ones are a lie, and the sandbox is stopped for it."""
        channels = ([p.channels for p in description.inputs], [p.channels for p in description.outputs])
        if channels != (self.inputs, self.outputs):
            what = f"described device {self._id} with audio ports {channels}, not {(self.inputs, self.outputs)}"
            raise self._sandbox.stop_for_lie(what)
        self._description = description

    def _mark_dirty(self) -> None:
        self._dirty = True

    def _on_param_edited(self, param_id: int, value: float) -> None:
        """The plugin changed a parameter itself: kept like a value set by `set_param`, so
        autosave and a restart keep it too."""
        known = {p.id: p for p in self._description.params}
        param = known.get(param_id)
        if param is None or not param.min <= value <= param.max:
            log.warning("%s reported an edit of parameter %d to %r, which it does not have or allow; ignored",
                        self.name, param_id, value)
            return
        with self._param_lock:
            self._change_count += 1
            self._values_since_save[param_id] = (value, self._change_count)
            self._dirty = True
        client = self._sandbox.group.client
        for callback in (self.on_param_edit, client.on_param_edit):
            if callback is not None:
                client._call_back(callback, self, param, value)

    def _remember_state(self, data: bytes, changes_before: int) -> None:
        """`data` holds every parameter change made before `changes_before`."""
        with self._param_lock:
            self._saved_state = data
            self._saved_at = time.time()
            self._values_since_save = {
                param: (value, order) for param, (value, order) in self._values_since_save.items()
                if order > changes_before}
            self._dirty = bool(self._values_since_save)

    def _autosave(self) -> None:
        # Cleared first: a change made while the state is read marks it dirty again.
        self._dirty = False
        try:
            self.save()
        except BaseException:
            self._dirty = True
            raise

    def _restore(self) -> None:
        """Re-creates this device in its sandbox's new process: same id, same shared
        memory, its saved state, then the parameter values set since that state."""
        sandbox, client = self._sandbox, self._sandbox.group.client
        reply = sandbox.request(requests.create_device(self._id, self._path, self.plugin_id),
                                timeout=client.load_timeout, expect=DeviceDescription)
        sandbox._expect_description(reply, self._id)
        reply = sandbox.request(requests.attach_device_memory(self._id, self._memory.size),
                                fds=[self._memory.fd], timeout=client.load_timeout, expect=DeviceDescription)
        self._update(sandbox._expect_description(reply, self._id))
        if self._saved_state is not None:
            sandbox.request(requests.load_state(self._id, self._saved_state))
        with self._param_lock:
            values = sorted(self._values_since_save.items(), key=lambda item: item[1][1])
            for param, (value, _) in values:
                if not self._memory.push_param_change(param, value, 0):
                    raise ParamError(f"the parameter queue of {self.name} is full")
        if values:
            sandbox.request(requests.flush_params(self._id))
