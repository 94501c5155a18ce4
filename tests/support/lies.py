"""What a lying sandbox says, built with the real FlatBuffers code, and the seam that puts
`lying_sandbox.py` in the place of scuff-sbox for one client.

The seam is the `executable` lookup of `scuff.process.sandbox_process`, patched for the duration
of a `with lying_sandboxes(script):` block: the client then starts the liar with the
arguments, descriptors and shared memory it gives scuff-sbox, and every byte the liar
sends goes through the client's real reading and checking code."""

from __future__ import annotations

import contextlib
import json
import os
import struct
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import flatbuffers
import pytest

from scuff.process import sandbox_process
from scuff.protocol import (
    DeviceChanged,
    DeviceInfo,
    Failure,
    Log,
    Ok,
    ParamEdited,
    ParamInfo,
    ParamValue,
    PortInfo,
    PresetList,
    Ready,
    Response,
    SandboxMessage,
    State,
    Text,
)
from scuff.protocol import ListedPreset as ListedPresetTable
from scuff.protocol.Body import Body
from scuff.protocol.Reply import Reply
from scuff.protocol.Request import Request

LIAR = Path(__file__).with_name("lying_sandbox.py")
# Replaced by the liar with the request's id, and the device id the request named.
ID_MARK = 0x5C0FF5C0FF5C0FF5
DEVICE_MARK = 0x5C0FDE71

# The offsets of the rings in a device's memory (DeviceMemoryHeader in
# cpp/common/include/scuff/shared_layout.hpp): a ring is its write index, its read index
# (each on a cache line of its own) and its items.
PARAM_RING = 128 + 1024 * 16
EVENT_RING = 128 + 1024 * 24
PARAMS_IN, PARAMS_OUT = 0, PARAM_RING
EVENTS_IN, EVENTS_OUT = 2 * PARAM_RING, 2 * PARAM_RING + EVENT_RING
HEADER_SIZE = 2 * PARAM_RING + 2 * EVENT_RING
# SandboxControlBlock: the client's and the sandbox's halves of the handshake, then the transport.
REQUESTED_CYCLE, FRAMES, COMPLETED_CYCLE, TRANSPORT = 8, 16, 72, 128
CHUNK_FIRST, CHUNK_BLOCKS, CHUNK_PROGRESS = 24, 28, 88
CONTROL_BLOCK_SIZE = 192


@dataclass(frozen=True)
class Port:
    channels: int = 2
    id: int = 0
    name: str = "main"
    is_main: bool = True


@dataclass(frozen=True)
class ParamSpec:
    id: int = 0
    name: str = "Gain"
    min: float = 0.0
    max: float = 1.0
    default: float = 0.5
    flags: int = 0


@dataclass(frozen=True)
class Description:
    device: int = DEVICE_MARK
    inputs: tuple[Port, ...] = (Port(),)
    outputs: tuple[Port, ...] = (Port(),)
    params: tuple[ParamSpec, ...] = (ParamSpec(),)
    latency: int = 0
    note_inputs: int = 0
    note_outputs: int = 0
    name: str = "Liar"
    plugin_id: str = "org.scuff.test.liar"


def _finish(builder: flatbuffers.Builder, body_type: int, body: int) -> bytes:
    SandboxMessage.Start(builder)
    SandboxMessage.AddBodyType(builder, body_type)
    SandboxMessage.AddBody(builder, body)
    builder.Finish(SandboxMessage.End(builder))
    payload = bytes(builder.Output())
    return struct.pack("<I", len(payload)) + payload


def _ports(builder: flatbuffers.Builder, ports: Sequence[Port], start_vector) -> int:
    offsets = []
    for port in ports:
        name = builder.CreateString(port.name)
        PortInfo.Start(builder)
        PortInfo.AddId(builder, port.id)
        PortInfo.AddName(builder, name)
        PortInfo.AddChannels(builder, port.channels)
        PortInfo.AddIsMain(builder, port.is_main)
        offsets.append(PortInfo.End(builder))
    start_vector(builder, len(offsets))
    for offset in reversed(offsets):
        builder.PrependUOffsetTRelative(offset)
    return builder.EndVector()


def _device_info(builder: flatbuffers.Builder, info: Description) -> int:
    params = []
    for param in info.params:
        name = builder.CreateString(param.name)
        ParamInfo.Start(builder)
        ParamInfo.AddId(builder, param.id)
        ParamInfo.AddName(builder, name)
        ParamInfo.AddMinValue(builder, param.min)
        ParamInfo.AddMaxValue(builder, param.max)
        ParamInfo.AddDefaultValue(builder, param.default)
        ParamInfo.AddFlags(builder, param.flags)
        params.append(ParamInfo.End(builder))
    DeviceInfo.StartParamsVector(builder, len(params))
    for offset in reversed(params):
        builder.PrependUOffsetTRelative(offset)
    params_vector = builder.EndVector()
    inputs = _ports(builder, info.inputs, DeviceInfo.StartInputsVector)
    outputs = _ports(builder, info.outputs, DeviceInfo.StartOutputsVector)
    plugin_id, name = builder.CreateString(info.plugin_id), builder.CreateString(info.name)
    DeviceInfo.Start(builder)
    DeviceInfo.AddDevice(builder, info.device)
    DeviceInfo.AddPluginId(builder, plugin_id)
    DeviceInfo.AddName(builder, name)
    DeviceInfo.AddInputs(builder, inputs)
    DeviceInfo.AddOutputs(builder, outputs)
    DeviceInfo.AddParams(builder, params_vector)
    DeviceInfo.AddLatency(builder, info.latency)
    DeviceInfo.AddNoteInputs(builder, info.note_inputs)
    DeviceInfo.AddNoteOutputs(builder, info.note_outputs)
    return DeviceInfo.End(builder)


def _response(reply_type: int, build_reply, request_id: int = ID_MARK) -> bytes:
    builder = flatbuffers.Builder(256)
    reply = build_reply(builder)
    Response.Start(builder)
    Response.AddId(builder, request_id)
    Response.AddReplyType(builder, reply_type)
    Response.AddReply(builder, reply)
    return _finish(builder, Body.Response, Response.End(builder))


def ready(version: int = 1) -> bytes:
    builder = flatbuffers.Builder(64)
    Ready.Start(builder)
    Ready.AddProtocolVersion(builder, version)
    return _finish(builder, Body.Ready, Ready.End(builder))


def ok(request_id: int = ID_MARK) -> bytes:
    def build(builder):
        Ok.Start(builder)
        return Ok.End(builder)

    return _response(Reply.Ok, build, request_id)


def failure(code: int, message: str, request_id: int = ID_MARK) -> bytes:
    def build(builder):
        text = builder.CreateString(message)
        Failure.Start(builder)
        Failure.AddCode(builder, code)
        Failure.AddMessage(builder, text)
        return Failure.End(builder)

    return _response(Reply.Failure, build, request_id)


def param_value(value: float, request_id: int = ID_MARK) -> bytes:
    def build(builder):
        ParamValue.Start(builder)
        ParamValue.AddValue(builder, value)
        return ParamValue.End(builder)

    return _response(Reply.ParamValue, build, request_id)


def state(data: bytes, request_id: int = ID_MARK) -> bytes:
    def build(builder):
        vector = builder.CreateByteVector(data)
        State.Start(builder)
        State.AddData(builder, vector)
        return State.End(builder)

    return _response(Reply.State, build, request_id)


def text(value: str, request_id: int = ID_MARK) -> bytes:
    def build(builder):
        string = builder.CreateString(value)
        Text.Start(builder)
        Text.AddText(builder, string)
        return Text.End(builder)

    return _response(Reply.Text, build, request_id)


def preset_list(presets: Sequence[tuple[str, int, str | None, str | None]], request_id: int = ID_MARK) -> bytes:
    """A PresetList of (name, kind, location, load key); None leaves a string out."""
    def build(builder):
        entries = []
        for name, kind, location, load_key in presets:
            strings = [builder.CreateString(value) if value is not None else None
                       for value in (name, location, load_key)]
            ListedPresetTable.Start(builder)
            ListedPresetTable.AddName(builder, strings[0])
            ListedPresetTable.AddKind(builder, kind)
            if strings[1] is not None:
                ListedPresetTable.AddLocation(builder, strings[1])
            if strings[2] is not None:
                ListedPresetTable.AddLoadKey(builder, strings[2])
            entries.append(ListedPresetTable.End(builder))
        PresetList.StartPresetsVector(builder, len(entries))
        for entry in reversed(entries):
            builder.PrependUOffsetTRelative(entry)
        vector = builder.EndVector()
        PresetList.Start(builder)
        PresetList.AddPresets(builder, vector)
        return PresetList.End(builder)

    return _response(Reply.PresetList, build, request_id)


def device_info(info: Description = Description(), request_id: int = ID_MARK) -> bytes:
    return _response(Reply.DeviceInfo, lambda builder: _device_info(builder, info), request_id)


def log(device: int, severity: int, message: str) -> bytes:
    builder = flatbuffers.Builder(256)
    text_offset = builder.CreateString(message)
    Log.Start(builder)
    Log.AddDevice(builder, device)
    Log.AddSeverity(builder, severity)
    Log.AddMessage(builder, text_offset)
    return _finish(builder, Body.Log, Log.End(builder))


def device_changed(info: Description, state_dirty: bool = False) -> bytes:
    builder = flatbuffers.Builder(256)
    offset = _device_info(builder, info)
    DeviceChanged.Start(builder)
    DeviceChanged.AddInfo(builder, offset)
    DeviceChanged.AddStateDirty(builder, state_dirty)
    return _finish(builder, Body.DeviceChanged, DeviceChanged.End(builder))


def param_edited(device: int, param: int, value: float) -> bytes:
    builder = flatbuffers.Builder(64)
    ParamEdited.Start(builder)
    ParamEdited.AddDevice(builder, device)
    ParamEdited.AddParam(builder, param)
    ParamEdited.AddValue(builder, value)
    return _finish(builder, Body.ParamEdited, ParamEdited.End(builder))


def honest_replies(description: Description = Description()) -> dict[int, bytes]:
    """What an honest sandbox answers to each request, for the plugin `description` says."""
    replies = {kind: ok() for name, kind in vars(Request).items() if not name.startswith("_")}
    replies[Request.CreateDevice] = device_info(description)
    replies[Request.AttachDeviceMemory] = device_info(description)
    replies[Request.DescribeDevice] = device_info(description)
    replies[Request.GetParamValue] = param_value(description.params[0].default if description.params else 0.0)
    replies[Request.SaveState] = state(b"liar")
    replies[Request.ParamToText] = text("0.5")
    replies[Request.ParamFromText] = param_value(0.5)
    return replies


@dataclass(frozen=True)
class Answer:
    """Bytes sent in answer to one request (or unprompted), with `fds` descriptors beside them."""

    data: bytes
    fds: int = 0


@dataclass
class Script:
    """What the liar does; see lying_sandbox.py."""

    description: Description = Description()
    report: bytes = b'confinement {"items": []}\n'
    before_ready: list[bytes] = field(default_factory=list)
    ready: bytes = field(default_factory=ready)
    unprompted: list[Answer] = field(default_factory=list)
    answers: list[list[Answer] | None] = field(default_factory=list)
    cycles: str = "honest"
    pokes: list[tuple[str, int, bytes]] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps({
            "report": self.report.hex(),
            "before_ready": [data.hex() for data in self.before_ready],
            "ready": self.ready.hex(),
            "unprompted": [{"data": a.data.hex(), "fds": a.fds} for a in self.unprompted],
            "answers": [None if answer is None else [{"data": a.data.hex(), "fds": a.fds} for a in answer]
                        for answer in self.answers],
            "honest": {str(kind): data.hex() for kind, data in honest_replies(self.description).items()},
            "attach_type": Request.AttachDeviceMemory,
            "cycles": self.cycles,
            "pokes": [{"segment": s, "offset": o, "data": d.hex()} for s, o, d in self.pokes],
        })


@contextlib.contextmanager
def lying_sandboxes(script: Script) -> Iterator[None]:
    """Every sandbox process started within this block is the liar, following `script`."""
    with tempfile.TemporaryDirectory(prefix="scuff-liar-") as folder:
        script_file = Path(folder) / "script.json"
        script_file.write_text(script.to_json())
        launcher = Path(folder) / "scuff-sbox"
        # -S -I: no site packages and no user environment, so the liar starts in milliseconds.
        launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" -S -I "{LIAR}" "$@"\n')
        launcher.chmod(0o755)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(sandbox_process, "executable", lambda name: launcher)
            patch.setenv("SCUFF_LYING_SCRIPT", str(script_file))
            yield


def plugin_file() -> Path:
    """A file the client accepts as a plugin path; the liar never opens it."""
    path = Path(tempfile.gettempdir()) / "scuff-liar-plugin.clap"
    if not path.exists():
        path.write_bytes(b"not a plugin: the liar never loads it\n")
    return path


def null_descriptors() -> int:
    """Descriptors of this process open on /dev/null: what the liar floods the client with."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            count += os.readlink(f"/proc/self/fd/{fd}") == "/dev/null"
        except OSError:
            pass
    return count


# About how many examples the fuzz tests run in all by default (the sum of their defaults).
SUITE_EXAMPLES = 5700


def examples(default: int) -> int:
    """How many Hypothesis examples a fuzz test runs: `default`, or its share of
    SCUFF_FUZZ_EXAMPLES, the number to run in all (`nox -s fuzz` runs 100,000)."""
    wanted = os.environ.get("SCUFF_FUZZ_EXAMPLES")
    return max(1, int(wanted) * default // SUITE_EXAMPLES) if wanted else default
