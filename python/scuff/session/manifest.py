"""The session manifest (`manifest.json`): the group, its sandboxes, their devices, the
connections and the transport, as plain data. Read back, every field is checked: a file
is untrusted, and a mistake in it is named before anything is built."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from ..errors import SessionFormatError, SessionVersionError

FORMAT = "scuff-session"
VERSION = 1


@dataclass(frozen=True)
class TransportEntry:
    tempo: float = 120.0
    beats: float = 0.0
    seconds: float = 0.0
    playing: bool = False
    loop: tuple[float, float] | None = None
    time_signature: tuple[int, int] = (4, 4)


@dataclass(frozen=True)
class DeviceEntry:
    """One device: its plugin (file and id), its state (in `states/<key>.bin`, with its
    SHA-256), parameter values, the host's label and the editor's last size."""

    key: str
    path: str
    plugin_id: str
    plugin_format: str
    name: str
    label: str
    state_sha256: str
    params: dict[int, float] = field(default_factory=dict)
    editor_size: tuple[int, int] | None = None


@dataclass(frozen=True)
class SandboxEntry:
    """One sandbox: its limits (as `SandboxLimits` fields), restart policy and devices."""

    limits: dict[str, Any]
    restart_policy: dict[str, float] | None
    devices: tuple[DeviceEntry, ...]


@dataclass(frozen=True)
class ConnectionEntry:
    """An audio (or, with `notes`, a note) connection between two devices' ports."""

    source: str
    source_port: int
    target: str
    target_port: int
    notes: bool = False


@dataclass(frozen=True)
class Manifest:
    sample_rate: float
    block_size: int
    cycle_timeout: float
    unresponsive_after: int
    offline: bool
    latency_compensation: bool
    transport: TransportEntry
    sandboxes: tuple[SandboxEntry, ...]
    connections: tuple[ConnectionEntry, ...]
    scuff_version: str = ""

    def to_json(self) -> str:
        return json.dumps({
            "format": FORMAT, "version": VERSION, "scuff_version": self.scuff_version,
            "sample_rate": self.sample_rate, "block_size": self.block_size,
            "cycle_timeout": self.cycle_timeout, "unresponsive_after": self.unresponsive_after,
            "offline": self.offline, "latency_compensation": self.latency_compensation,
            "transport": {
                "tempo": self.transport.tempo, "beats": self.transport.beats, "seconds": self.transport.seconds,
                "playing": self.transport.playing,
                "loop": list(self.transport.loop) if self.transport.loop else None,
                "time_signature": list(self.transport.time_signature)},
            "sandboxes": [{
                "limits": sandbox.limits, "restart_policy": sandbox.restart_policy,
                "devices": [{
                    "key": d.key, "path": d.path, "plugin_id": d.plugin_id, "format": d.plugin_format,
                    "name": d.name, "label": d.label, "state_sha256": d.state_sha256,
                    "params": {str(k): v for k, v in sorted(d.params.items())},
                    "editor_size": list(d.editor_size) if d.editor_size else None,
                } for d in sandbox.devices]} for sandbox in self.sandboxes],
            "connections": [{"source": [c.source, c.source_port], "target": [c.target, c.target_port],
                             "notes": c.notes} for c in self.connections],
        }, indent=1)

    @staticmethod
    def from_json(text: str, source: str) -> Manifest:
        """The manifest in `text`; SessionFormatError (SessionVersionError for a newer
        format) naming `source` and the field that is wrong."""
        try:
            document = json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            raise SessionFormatError(f"{source}: manifest.json is not JSON") from None
        read = _Reader(source)
        top = read.mapping(document, "the manifest")
        if top.get("format") != FORMAT:
            raise SessionFormatError(f"{source} is not a scuff session (its manifest says format "
                                     f"{top.get('format')!r})")
        version = read.integer(top, "version", 1, 1 << 31)
        if version > VERSION:
            raise SessionVersionError(
                f"{source} was saved in session format {version} (by scuff "
                f"{top.get('scuff_version') or 'unknown'}); this scuff reads format {VERSION}: upgrade scuff")
        transport = read.mapping(top.get("transport"), "transport")
        loop = transport.get("loop")
        signature = read.array(transport.get("time_signature"), "transport.time_signature", 2, 2)
        sandboxes = tuple(read.sandbox(entry, f"sandboxes[{index}]")
                          for index, entry in enumerate(read.array(top.get("sandboxes"), "sandboxes", 0, 1000)))
        keys = [device.key for sandbox in sandboxes for device in sandbox.devices]
        if len(set(keys)) != len(keys):
            raise SessionFormatError(f"{source}: two devices share one key")
        connections = tuple(read.connection(entry, f"connections[{index}]", set(keys)) for index, entry in
                            enumerate(read.array(top.get("connections"), "connections", 0, 100_000)))
        return Manifest(
            sample_rate=read.number(top, "sample_rate", 1.0, 10_000_000.0),
            block_size=read.integer(top, "block_size", 1, 65536),
            cycle_timeout=read.number(top, "cycle_timeout", 0.0, 3600.0),
            unresponsive_after=read.integer(top, "unresponsive_after", 1, 1 << 20),
            offline=read.boolean(top, "offline"),
            latency_compensation=read.boolean(top, "latency_compensation"),
            transport=TransportEntry(
                tempo=read.number(transport, "tempo", 1.0, 1000.0),
                beats=read.number(transport, "beats", -1e12, 1e12),
                seconds=read.number(transport, "seconds", -1e12, 1e12),
                playing=read.boolean(transport, "playing"),
                loop=None if loop is None else read.pair(loop, "transport.loop"),
                time_signature=(read.integer({"n": signature[0]}, "n", 1, 1000),
                                read.integer({"d": signature[1]}, "d", 1, 1000))),
            sandboxes=sandboxes, connections=connections,
            scuff_version=str(top.get("scuff_version", "")))


class _Reader:
    """Reads fields of the manifest, raising SessionFormatError that names the field."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, what: str) -> SessionFormatError:
        return SessionFormatError(f"{self.source}: the manifest's {what}")

    def mapping(self, value: object, name: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(f"{name} is missing or not an object")
        return value

    def array(self, value: object, name: str, least: int, most: int) -> list[Any]:
        if not isinstance(value, list) or not least <= len(value) <= most:
            raise self.fail(f"{name} is missing or not a list of {least} to {most} items")
        return value

    def number(self, entry: dict[str, Any], name: str, least: float, most: float) -> float:
        value = entry.get(name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                or not least <= value <= most:
            raise self.fail(f"{name} is {value!r}, not a number from {least:g} to {most:g}")
        return float(value)

    def pair(self, value: object, name: str) -> tuple[float, float]:
        start, end = self.array(value, name, 2, 2)
        return (self.number({f"{name}[0]": start}, f"{name}[0]", -1e12, 1e12),
                self.number({f"{name}[1]": end}, f"{name}[1]", -1e12, 1e12))

    def integer(self, entry: dict[str, Any], name: str, least: int, most: int) -> int:
        value = entry.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= most:
            raise self.fail(f"{name} is {value!r}, not a whole number from {least} to {most}")
        return value

    def boolean(self, entry: dict[str, Any], name: str) -> bool:
        value = entry.get(name)
        if not isinstance(value, bool):
            raise self.fail(f"{name} is {value!r}, not true or false")
        return value

    def text(self, entry: dict[str, Any], name: str, where: str) -> str:
        value = entry.get(name)
        if not isinstance(value, str) or len(value) > 4096:
            raise self.fail(f"{where}.{name} is missing or not text")
        return value

    def sandbox(self, value: object, where: str) -> SandboxEntry:
        entry = self.mapping(value, where)
        limits = self.mapping(entry.get("limits"), f"{where}.limits")
        policy = entry.get("restart_policy")
        if policy is not None:
            policy = self.mapping(policy, f"{where}.restart_policy")
            if set(policy) != {"max_restarts", "window", "backoff", "max_backoff"}:
                raise self.fail(f"{where}.restart_policy has other fields than a RestartPolicy")
            policy = {"max_restarts": self.integer(policy, "max_restarts", 0, 1 << 20),
                      **{k: self.number(policy, k, 0.0, 1e9) for k in ("window", "backoff", "max_backoff")}}
        devices = self.array(entry.get("devices"), f"{where}.devices", 0, 10_000)
        return SandboxEntry(limits, policy, tuple(self.device(d, f"{where}.devices[{i}]")
                                                  for i, d in enumerate(devices)))

    def device(self, value: object, where: str) -> DeviceEntry:
        entry = self.mapping(value, where)
        key = self.text(entry, "key", where)
        if not key or not all(c.isalnum() or c in "-_" for c in key):
            raise self.fail(f"{where}.key {key!r} is not a plain name")
        plugin_format = self.text(entry, "format", where)
        if plugin_format not in ("clap", "vst3"):
            raise self.fail(f"{where}.format is {plugin_format!r}, not clap or vst3")
        digest = self.text(entry, "state_sha256", where)
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise self.fail(f"{where}.state_sha256 is not a SHA-256 digest")
        params = self.mapping(entry.get("params"), f"{where}.params")
        values: dict[int, float] = {}
        for param in params:
            if not (param.isdigit() and len(param) <= 10):
                raise self.fail(f"{where}.params has a key {param!r} that is not a parameter id")
            values[int(param)] = self.number(params, param, -1e300, 1e300)
        size = entry.get("editor_size")
        editor_size = None
        if size is not None:
            width, height = self.array(size, f"{where}.editor_size", 2, 2)
            editor_size = (self.integer({"width": width}, "width", 1, 16384),
                           self.integer({"height": height}, "height", 1, 16384))
        return DeviceEntry(key, self.text(entry, "path", where), self.text(entry, "plugin_id", where),
                           plugin_format, self.text(entry, "name", where), self.text(entry, "label", where),
                           digest, values, editor_size)

    def connection(self, value: object, where: str, keys: set[str]) -> ConnectionEntry:
        entry = self.mapping(value, where)
        ends = []
        for end in ("source", "target"):
            key, port = self.array(entry.get(end), f"{where}.{end}", 2, 2)
            if key not in keys:
                raise self.fail(f"{where}.{end} names {key!r}, which is no device of the session")
            ends.append((key, self.integer({"port": port}, "port", 0, 1024)))
        return ConnectionEntry(ends[0][0], ends[0][1], ends[1][0], ends[1][1], self.boolean(entry, "notes"))
