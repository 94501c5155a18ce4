"""The studio's model: one client, what its scan found, and the group being edited, with
every change the page can ask for. Changes run one at a time (the page may send several at
once); each one is followed by a new description of the group for every page."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import ScuffError
from ..host.client import Client
from ..host.device import Device
from ..host.group import Group, Port
from ..host.ports import InputPort, NoteOutputPort, OutputPort
from ..host.sandbox import Sandbox
from ..host.status import SandboxEvent
from ..wire.param import Param
from . import views
from .chain_ends import default_sink, default_source, devices_of
from .player import Player
from .reports import Reports
from .views import Json

log = logging.getLogger("scuff.studio")

Publish = Callable[[Json], None]


class Rack:
    """What the studio shows and changes. `publish` is given every message for the pages
    (a new description, a parameter edited in an editor, a notice), from any thread."""

    def __init__(self, publish: Publish, *, sample_rate: float = 48000, block_size: int = 512,
                 scan_paths: list[str] | None = None, standard_folders: bool = True,
                 cache_dir: str | os.PathLike[str] | None = None) -> None:
        self._publish = publish
        self._lock = threading.RLock()
        self._sandbox_ids: dict[Sandbox, int] = {}
        self._next_sandbox_id = 1
        self._scan_paths = scan_paths
        self._standard_folders = standard_folders
        self._plugins: list[Json] = []
        self._broken: list[Json] = []
        self._scan_error = ""
        self._scanning = True
        self.session_path: str = ""
        self._player: Player | None = None
        self.client = Client(app_name="scuff studio", cache_dir=cache_dir,
                             on_sandbox_state=self._on_sandbox_state, on_param_edit=self._on_param_edit)
        self.group: Group = self.client.create_group(sample_rate=sample_rate, block_size=block_size)
        self.reports = Reports(self.client, publish)

    def close(self) -> None:
        with self._lock:
            self._stop_playing()
        self.client.close()

    # --- the plugin browser ---

    def scan(self) -> None:
        """Scans (from the cache where it can) and tells the pages what was found."""
        try:
            found = self.client.scan(self._scan_paths, standard_folders=self._standard_folders)
            by_name = sorted(found, key=lambda info: (info.name.lower(), info.format))
            self._plugins = [views.plugin_view(info) for info in by_name]
            self._broken = [views.broken_plugin_view(broken) for broken in self.client.broken_plugins]
        except ScuffError as error:
            self._scan_error = str(error)
        finally:
            self._scanning = False
        self._publish({"type": "plugins", **self.plugins()})

    def plugins(self) -> Json:
        return {"scanning": self._scanning, "plugins": self._plugins, "broken": self._broken,
                "error": self._scan_error}

    # --- the group ---

    def describe(self) -> Json:
        with self._lock:
            return {"session_path": self.session_path, "playing": self._player is not None,
                    **views.group_view(self.group, self._ids())}

    def health(self) -> Json:
        """Every sandbox's health. Read without the lock, so that a long render does not
        stop the page's meters: a sandbox that goes meanwhile is left out."""
        budget_us = self.group.block_size / self.group.sample_rate * 1e6
        sandboxes = []
        for sandbox in self.group.sandboxes:
            sandbox_id = self._sandbox_ids.get(sandbox)
            if sandbox_id is None:
                continue
            try:
                sandboxes.append(views.sandbox_health(sandbox, sandbox_id, budget_us))
            except ScuffError:
                continue
        player = self._player
        live: Json = {"playing": False}
        if player is not None:
            try:
                live = player.reading()
            except ScuffError:
                live = {"playing": False}
        return {"type": "health", "sandboxes": sandboxes, "live": live}

    @contextmanager
    def _change(self) -> Iterator[None]:
        """One change; afterwards every page gets the new description, even when it failed
        halfway (a device made, its connection refused)."""
        with self._lock:
            try:
                yield
            finally:
                self._publish({"type": "group", **self.describe()})

    def add_device(self, plugin: str, sandbox_id: int | None) -> int:
        """A new device of a scanned plugin (its id) in a sandbox, or in a new one."""
        with self._change():
            sandbox = self._sandbox(sandbox_id) if sandbox_id is not None else self._new_sandbox()
            try:
                device = sandbox.create_device(plugin)
            except BaseException:
                if sandbox_id is None:
                    self._close_sandbox(sandbox)
                raise
            return device.id

    def remove_device(self, device_id: int) -> None:
        with self._change():
            device = self._device(device_id)
            self._check_not_played(device)
            sandbox = device.sandbox
            sandbox.remove_device(device)
            if not sandbox.devices:
                self._close_sandbox(sandbox)

    def move_device(self, device_id: int, sandbox_id: int | None) -> int:
        """Moves a device to another sandbox (or a new one): a copy is made there with its
        state, parameter values and label, its connections are made again on the copy, and
        the original goes. Returns the copy's id; on failure the original stays as it was."""
        with self._change():
            device = self._device(device_id)
            self._check_not_played(device)
            target = self._sandbox(sandbox_id) if sandbox_id is not None else self._new_sandbox()
            if target is device.sandbox:
                return device.id
            try:
                copy = device.duplicate(target)
            except BaseException:
                if sandbox_id is None:
                    self._close_sandbox(target)
                raise
            try:
                for connection in [c for c in self.group.connections
                                   if device in (c.source.device, c.target.device)]:
                    self.group.connect(_same_port_on(connection.source, device, copy),  # type: ignore[arg-type]
                                       _same_port_on(connection.target, device, copy))  # type: ignore[arg-type]
            except BaseException:
                # Its connections go with it.
                target.remove_device(copy)
                if not target.devices:
                    self._close_sandbox(target)
                raise
            old_sandbox = device.sandbox
            old_sandbox.remove_device(device)
            if not old_sandbox.devices:
                self._close_sandbox(old_sandbox)
            return copy.id

    def set_label(self, device_id: int, label: str) -> None:
        with self._change():
            self._device(device_id).label = label

    def set_param(self, device_id: int, param_id: int, value: float) -> Json:
        """Sets a parameter; returns its value and the plugin's text for it."""
        with self._lock:
            device = self._device(device_id)
            param = device.param(param_id)
            device.set_param(param, value)
            view = self._param_message(device, param, device.get_param(param))
        self._publish(view)
        return view

    def connect(self, source: Json, target: Json, notes: bool) -> None:
        with self._change():
            source_port, target_port = self._ports(source, target, notes)
            self.group.connect(source_port, target_port)  # type: ignore[arg-type]

    def disconnect(self, source: Json, target: Json, notes: bool) -> None:
        with self._change():
            source_port, target_port = self._ports(source, target, notes)
            self.group.disconnect(source_port, target_port)  # type: ignore[arg-type]

    def restart_sandbox(self, sandbox_id: int) -> None:
        with self._change():
            self._sandbox(sandbox_id).restart()

    def close_sandbox(self, sandbox_id: int) -> None:
        with self._change():
            sandbox = self._sandbox(sandbox_id)
            for device in sandbox.devices:
                self._check_not_played(device)
            self._close_sandbox(sandbox)

    def show_editor(self, device_id: int, visible: bool) -> None:
        with self._change():
            device = self._device(device_id)
            if visible:
                device.on_editor_closed = lambda _: self._publish({"type": "group", **self.describe()})
                device.show_editor()
            else:
                device.hide_editor()

    # --- reports ---

    def inspect_device(self, device_id: int) -> Json:
        """Inspects a device's plugin in a sandbox of its own; the rack stays free meanwhile."""
        with self._lock:
            device = self._device(device_id)
            sample_rate, block_size = self.group.sample_rate, self.group.block_size
        return self.reports.inspect(device, sample_rate, block_size)

    def validate_device(self, device_id: int, strictness: int, tests: list[str] | None) -> Json:
        with self._lock:
            device = self._device(device_id)
        return self.reports.validate(device, strictness, tests)

    # --- sessions ---

    def save_session(self, path: str) -> str:
        target = _user_path(path)
        with self._change():
            self.group.save_session(target)
            self.session_path = str(target)
        return str(target)

    def load_session(self, path: str) -> None:
        """Replaces the group with the session's. The old one is closed only once the new
        one is built: a session that cannot load changes nothing."""
        source = _user_path(path)
        with self._change():
            group = self.client.load_session(source)
            self._stop_playing()
            old, self.group = self.group, group
            self._sandbox_ids.clear()
            self.session_path = str(source)
            old.close()

    # --- rendering ---

    def render(self, *, input_path: str = "", output_path: str, seconds: float = 2.0,
               input_device: int | None = None, output_device: int | None = None) -> Json:
        """Renders a file (or `seconds` of silence) into `input_device` (by default the
        first device with audio inputs that nothing feeds) and writes what `output_device`
        (by default the last device that feeds nothing) puts out."""
        from ..batch.audio_files import read_audio, write_audio

        with self._lock:
            group = self.group
            if not devices_of(group):
                raise ScuffError("the rack is empty: add a plugin first")
            source = self._device(input_device) if input_device is not None else default_source(group)
            sink = self._device(output_device) if output_device is not None else default_sink(group)
            if sink is None or not sink.outputs:
                raise ScuffError("no device has an audio output to render")
            inputs: dict[Any, Any] = {}
            audio = read_audio(_user_path(input_path)) if input_path else None
            if audio is not None:
                if source is None or not source.inputs:
                    raise ScuffError("no device takes audio input: render without an input file")
                inputs[source.input(0)] = _fit_channels(audio.samples, source.inputs[0])
                frames = audio.samples.shape[1]
            else:
                frames = max(1, round(seconds * group.sample_rate))
            rendered = group.render(inputs, sink.output(0), frames=frames)
            target = _user_path(output_path)
            write_audio(target, rendered, group.sample_rate, like=audio, subtype=None)
            peak = float(abs(rendered).max()) if rendered.size else 0.0
        return {"path": str(target), "frames": int(rendered.shape[1]), "channels": int(rendered.shape[0]),
                "peak": peak, "source": source.id if audio is not None and source is not None else None,
                "sink": sink.id}

    # --- playing live ---

    @property
    def player(self) -> Player | None:
        """What plays the rack through JACK, while it plays."""
        return self._player

    def play(self, server: str | None) -> None:
        """Plays the rack through a JACK server (None: the default one) until `stop()`."""
        with self._change():
            if self._player is not None:
                raise ScuffError("the rack is playing already")
            self._player = Player(self.group, server=server or None)

    def stop(self) -> None:
        with self._change():
            self._stop_playing()

    def _check_not_played(self, device: Device) -> None:
        player = self._player
        if player is not None and device in (player.source, player.sink, player.notes):
            raise ScuffError(f"{device.label} (device {device.id}) is where the rack is played from or to: stop first")

    def _stop_playing(self) -> None:
        player, self._player = self._player, None
        if player is not None:
            player.close()

    # --- callbacks from the client ---

    def _on_sandbox_state(self, event: SandboxEvent) -> None:
        """A change of state reaches the pages at once, stamped with when it was seen here,
        so a page can tell how long it took to show it."""
        sandbox_id = self._sandbox_ids.get(event.sandbox)
        if sandbox_id is None:
            return
        seen_at = time.time()
        if event.state in ("crashed", "unresponsive"):
            names = ", ".join(device.label for device in event.sandbox.devices) or "no device"
            self._publish({"type": "notice", "level": "error", "sandbox": sandbox_id, "state": event.state,
                           "text": f"sandbox {sandbox_id} ({names}) {event.state}: {event.detail or event.reason}",
                           "at": seen_at})
        self._publish({"type": "sandbox", **views.sandbox_view(event.sandbox, sandbox_id), "at": seen_at})

    def _on_param_edit(self, device: Device, param: Param, value: float) -> None:
        try:
            self._publish(self._param_message(device, param, value))
        except ScuffError:
            log.debug("the edited parameter's text could not be read", exc_info=True)

    @staticmethod
    def _param_message(device: Device, param: Param, value: float) -> Json:
        return {"type": "param", "device": device.id, "param": param.id, "value": views.finite(value),
                "text": device.param_text(param, value)}

    # --- lookups ---

    def _ids(self) -> dict[Sandbox, int]:
        for sandbox in self.group.sandboxes:
            if sandbox not in self._sandbox_ids:
                self._sandbox_ids[sandbox] = self._next_sandbox_id
                self._next_sandbox_id += 1
        return self._sandbox_ids

    def _new_sandbox(self) -> Sandbox:
        sandbox = self.group.create_sandbox()
        self._ids()
        return sandbox

    def _close_sandbox(self, sandbox: Sandbox) -> None:
        sandbox.close()
        self._sandbox_ids.pop(sandbox, None)

    def _sandbox(self, sandbox_id: int) -> Sandbox:
        for sandbox, known in self._ids().items():
            if known == sandbox_id and sandbox in self.group.sandboxes:
                return sandbox
        raise ScuffError(f"there is no sandbox {sandbox_id} in the rack")

    def _device(self, device_id: int) -> Device:
        for sandbox in self.group.sandboxes:
            for device in sandbox.devices:
                if device.id == device_id:
                    return device
        raise ScuffError(f"there is no device {device_id} in the rack")

    def _ports(self, source: Json, target: Json, notes: bool) -> tuple[object, object]:
        source_device = self._device(int(source["device"]))
        target_device = self._device(int(target["device"]))
        if notes:
            return source_device.note_output(int(source["index"])), target_device.note_input(int(target["index"]))
        return source_device.output(int(source["index"])), target_device.input(int(target["index"]))


def _same_port_on(port: Port, original: Device, copy: Device) -> Port:
    """`port` itself, or when it is the original's, the copy's port of the same kind and index."""
    if port.device is not original:
        return port
    if isinstance(port, OutputPort):
        return copy.output(port.index)
    if isinstance(port, InputPort):
        return copy.input(port.index)
    if isinstance(port, NoteOutputPort):
        return copy.note_output(port.index)
    return copy.note_input(port.index)


def _user_path(path: str) -> Path:
    if not isinstance(path, str) or not path.strip():
        raise ScuffError("give a file's path")
    return Path(path.strip()).expanduser().absolute()


def _fit_channels(samples: Any, channels: int) -> Any:
    """A mono file feeds every channel of the input; other counts must match."""
    import numpy as np

    if samples.shape[0] == channels:
        return samples
    if samples.shape[0] == 1:
        return np.ascontiguousarray(np.repeat(samples, channels, axis=0))
    raise ScuffError(f"the file has {samples.shape[0]} channels and the input takes {channels}")
