"""The studio's model: one client, what its scan found, and its racks (one group each), with
every change the page can ask for. Changes run one at a time (the page may send several at
once); each one is followed by a new description of the racks for every page."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ..errors import ScuffError
from ..host.client import Client
from ..host.device import Device
from ..host.group import Group, Port
from ..host.ports import InputPort, NoteOutputPort, OutputPort
from ..host.sandbox import Sandbox
from ..host.status import SandboxEvent
from ..wire.param import Param
from . import views
from .rack import Rack, user_path
from .reports import Reports
from .views import Json

log = logging.getLogger("scuff.studio")

Publish = Callable[[Json], None]


class Studio:
    """What the studio shows and changes. `publish` is given every message for the pages
    (a new description, a parameter edited in an editor, a notice), from any thread. It
    starts with one rack of `sample_rate` and `block_size`."""

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
        self.racks: list[Rack] = []
        self._next_rack_id = 1
        self.client = Client(app_name="scuff studio", cache_dir=cache_dir,
                             on_sandbox_state=self._on_sandbox_state, on_param_edit=self._on_param_edit)
        self.reports = Reports(self.client, publish)
        self._new_rack(self.client.create_group(sample_rate=sample_rate, block_size=block_size))

    def close(self) -> None:
        with self._lock:
            for rack in self.racks:
                rack.stop()
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

    # --- the racks ---

    def describe(self) -> Json:
        with self._lock:
            ids = self._ids()
            return {"racks": [rack.view(ids) for rack in self.racks]}

    def health(self) -> Json:
        """Every sandbox's health, and each rack's live counts. Read without the lock, so
        that a long render does not stop the page's meters: a sandbox that goes meanwhile
        is left out."""
        # When the reading began: a page shows no state older than the last change it was sent.
        taken_at = time.time()
        sandboxes = []
        for rack in list(self.racks):
            group = rack.group
            budget_us = group.block_size / group.sample_rate * 1e6
            for sandbox in group.sandboxes:
                sandbox_id = self._sandbox_ids.get(sandbox)
                if sandbox_id is None:
                    continue
                try:
                    sandboxes.append(views.sandbox_health(sandbox, sandbox_id, budget_us))
                except ScuffError:
                    continue
        return {"type": "health", "at": taken_at, "sandboxes": sandboxes,
                "live": {str(rack.id): rack.live_reading() for rack in list(self.racks)}}

    def add_rack(self, sample_rate: float, block_size: int) -> int:
        with self._change():
            return self._new_rack(self.client.create_group(sample_rate=sample_rate, block_size=block_size)).id

    def close_rack(self, rack_id: int) -> None:
        with self._change():
            rack = self._rack(rack_id)
            if len(self.racks) == 1:
                raise ScuffError("the studio keeps one rack: this is the last")
            self.racks.remove(rack)
            rack.close()
            self._forget_closed()

    @contextmanager
    def _change(self) -> Iterator[None]:
        """One change; afterwards every page gets the new description, even when it failed
        halfway (a device made, its connection refused)."""
        with self._lock:
            try:
                yield
            finally:
                self._publish({"type": "racks", **self.describe()})

    def add_device(self, plugin: str, sandbox_id: int | None, rack_id: int | None = None) -> int:
        """A new device of a scanned plugin (its id) in a sandbox, or in a new one of a rack
        (by default the first)."""
        with self._change(), self._target_sandbox(sandbox_id, self._rack(rack_id)) as sandbox:
            return sandbox.create_device(plugin).id

    def remove_device(self, device_id: int) -> None:
        with self._change():
            device = self._device(device_id)
            self._rack_of(device).check_not_played(device)
            self._remove_device(device)

    def move_device(self, device_id: int, sandbox_id: int | None) -> int:
        """Moves a device to another sandbox (or a new one): a copy is made there with its
        state, parameter values and label, its connections are made again on the copy, and
        the original goes. Returns the copy's id; on failure the original stays as it was.
        Connections are within a group, so a device moves only inside its rack."""
        with self._change():
            device = self._device(device_id)
            rack = self._rack_of(device)
            rack.check_not_played(device)
            if sandbox_id is not None and self._sandbox(sandbox_id) is device.sandbox:
                return device.id
            with self._target_sandbox(sandbox_id, rack) as target:
                if target.group is not rack.group:
                    raise ScuffError(f"a device moves only between sandboxes of its rack ({rack.id})")
                copy = device.duplicate(target)
            group = rack.group
            try:
                for connection in [c for c in group.connections
                                   if device in (c.source.device, c.target.device)]:
                    group.connect(_same_port_on(connection.source, device, copy),  # type: ignore[arg-type]
                                       _same_port_on(connection.target, device, copy))  # type: ignore[arg-type]
            except BaseException:
                self._remove_device(copy)  # its connections go with it
                raise
            self._remove_device(device)
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
            group, source_port, target_port = self._ports(source, target, notes)
            group.connect(source_port, target_port)  # type: ignore[arg-type]

    def disconnect(self, source: Json, target: Json, notes: bool) -> None:
        with self._change():
            group, source_port, target_port = self._ports(source, target, notes)
            group.disconnect(source_port, target_port)  # type: ignore[arg-type]

    def restart_sandbox(self, sandbox_id: int) -> None:
        with self._change():
            self._sandbox(sandbox_id).restart()

    def close_sandbox(self, sandbox_id: int) -> None:
        with self._change():
            sandbox = self._sandbox(sandbox_id)
            for device in sandbox.devices:
                self._rack_of(device).check_not_played(device)
            self._close_sandbox(sandbox)

    def show_editor(self, device_id: int, visible: bool) -> None:
        with self._change():
            device = self._device(device_id)
            if visible:
                device.on_editor_closed = lambda _: self._publish({"type": "racks", **self.describe()})
                device.show_editor()
            else:
                device.hide_editor()

    # --- reports ---

    def inspect_device(self, device_id: int) -> Json:
        """Inspects a device's plugin in a sandbox of its own; the rack stays free meanwhile."""
        with self._lock:
            device = self._device(device_id)
            group = device.sandbox.group
        return self.reports.inspect(device, group.sample_rate, group.block_size)

    def validate_device(self, device_id: int, strictness: int, tests: list[str] | None) -> Json:
        with self._lock:
            device = self._device(device_id)
        return self.reports.validate(device, strictness, tests)

    # --- sessions ---

    def save_session(self, path: str, rack_id: int | None = None) -> str:
        target = user_path(path)
        with self._change():
            rack = self._rack(rack_id)
            rack.group.save_session(target)
            rack.session_path = str(target)
        return str(target)

    def load_session(self, path: str, rack_id: int | None = None) -> int:
        """Loads a session into a new rack, or in place of a rack's group (`rack_id`). The
        old group is closed only once the new one is built: a session that cannot load
        changes nothing. Returns the rack's id."""
        source = user_path(path)
        with self._change():
            rack = self._rack(rack_id) if rack_id is not None else None
            group = self.client.load_session(source)
            if rack is None:
                return self._new_rack(group, str(source)).id
            rack.stop()
            old, rack.group, rack.session_path = rack.group, group, str(source)
            old.close()
            self._forget_closed()
            return rack.id

    # --- rendering and playing ---

    def render(self, rack_id: int | None, *, input_path: str = "", output_path: str, seconds: float = 2.0,
               input_device: int | None = None, output_device: int | None = None) -> Json:
        with self._lock:
            rack = self._rack(rack_id)
            return rack.render(input_path=input_path, output_path=output_path, seconds=seconds,
                               source=self._device_of(rack, input_device), sink=self._device_of(rack, output_device))

    def play(self, rack_id: int | None, server: str | None) -> None:
        """Plays a rack through a JACK server (None: the default one) until `stop()`."""
        with self._change():
            self._rack(rack_id).play(server or None)

    def stop(self, rack_id: int | None) -> None:
        with self._change():
            self._rack(rack_id).stop()

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
        self._publish({"type": "sandbox", **views.sandbox_view(event.sandbox, sandbox_id, event.state), "at": seen_at})

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

    def _new_rack(self, group: Group, session_path: str = "") -> Rack:
        rack = Rack(self._next_rack_id, group, session_path)
        self._next_rack_id += 1
        self.racks.append(rack)
        self._ids()
        return rack

    def _rack(self, rack_id: int | None) -> Rack:
        """A rack by its id; None: the first."""
        if rack_id is None:
            return self.racks[0]
        for rack in self.racks:
            if rack.id == rack_id:
                return rack
        raise ScuffError(f"there is no rack {rack_id}")

    def _rack_of(self, device: Device) -> Rack:
        return next(rack for rack in self.racks if rack.group is device.sandbox.group)

    def _ids(self) -> dict[Sandbox, int]:
        for rack in self.racks:
            for sandbox in rack.group.sandboxes:
                if sandbox not in self._sandbox_ids:
                    self._sandbox_ids[sandbox] = self._next_sandbox_id
                    self._next_sandbox_id += 1
        return self._sandbox_ids

    def _forget_closed(self) -> None:
        """Drops the ids of sandboxes no rack holds any more."""
        held = {sandbox for rack in self.racks for sandbox in rack.group.sandboxes}
        for sandbox in [s for s in self._sandbox_ids if s not in held]:
            del self._sandbox_ids[sandbox]

    def _new_sandbox(self, rack: Rack) -> Sandbox:
        sandbox = rack.group.create_sandbox()
        self._ids()
        return sandbox

    @contextmanager
    def _target_sandbox(self, sandbox_id: int | None, rack: Rack) -> Iterator[Sandbox]:
        """The sandbox named, or a new one of `rack`, which is closed again when what it was
        made for fails."""
        if sandbox_id is not None:
            yield self._sandbox(sandbox_id)
            return
        sandbox = self._new_sandbox(rack)
        try:
            yield sandbox
        except BaseException:
            self._close_sandbox(sandbox)
            raise

    def _remove_device(self, device: Device) -> None:
        """Removes a device; a sandbox it leaves empty is closed."""
        sandbox = device.sandbox
        sandbox.remove_device(device)
        if not sandbox.devices:
            self._close_sandbox(sandbox)

    def _close_sandbox(self, sandbox: Sandbox) -> None:
        sandbox.close()
        self._sandbox_ids.pop(sandbox, None)

    def _sandbox(self, sandbox_id: int) -> Sandbox:
        held = {sandbox for rack in self.racks for sandbox in rack.group.sandboxes}
        for sandbox, known in self._ids().items():
            if known == sandbox_id and sandbox in held:
                return sandbox
        raise ScuffError(f"there is no sandbox {sandbox_id} in the studio")

    def _device(self, device_id: int) -> Device:
        for rack in self.racks:
            for device in rack.devices():
                if device.id == device_id:
                    return device
        raise ScuffError(f"there is no device {device_id} in the studio")

    def _device_of(self, rack: Rack, device_id: int | None) -> Device | None:
        if device_id is None:
            return None
        device = self._device(device_id)
        if device.sandbox.group is not rack.group:
            raise ScuffError(f"device {device_id} is not in rack {rack.id}")
        return device

    def _ports(self, source: Json, target: Json, notes: bool) -> tuple[Group, object, object]:
        source_device = self._device(int(source["device"]))
        target_device = self._device(int(target["device"]))
        if source_device.sandbox.group is not target_device.sandbox.group:
            raise ScuffError("a connection joins devices of one rack")
        group = source_device.sandbox.group
        if notes:
            return (group, source_device.note_output(int(source["index"])),
                    target_device.note_input(int(target["index"])))
        return group, source_device.output(int(source["index"])), target_device.input(int(target["index"]))


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
