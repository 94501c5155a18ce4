"""Reading what a sandbox sends (schema/sandbox_message.fbs). Nothing a sandbox says
is trusted: buffers are verified natively first, then every value is checked here."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from .._native import read_device_info, verify_sandbox_message
from ..errors import ProtocolError
from ..protocol import (
    DeviceChanged,
    EditorInfo,
    Failure,
    Log,
    ParamEdited,
    ParamValue,
    PresetList,
    Ready,
    Response,
    SandboxMessage,
    State,
    Text,
)
from ..protocol.Body import Body
from ..protocol.ErrorCode import ErrorCode
from ..protocol.PresetLocationKind import PresetLocationKind
from ..protocol.Reply import Reply
from .bounds import MAX_CHANNELS, MAX_LATENCY, MAX_PARAMS, MAX_PORTS, decode_text
from .clap_preset import ClapPreset
from .param import Param

ERROR_NAMES = {value: name for name, value in vars(ErrorCode).items() if not name.startswith("_")}


@dataclass(frozen=True)
class PortDescription:
    id: int
    name: str
    channels: int
    is_main: bool


@dataclass(frozen=True)
class DeviceDescription:
    device: int
    plugin_id: str
    name: str
    vendor: str
    version: str
    inputs: tuple[PortDescription, ...]
    outputs: tuple[PortDescription, ...]
    params: tuple[Param, ...]
    latency: int
    note_inputs: int = 0
    note_outputs: int = 0
    has_editor: bool = False
    has_preset_load: bool = False


@dataclass(frozen=True)
class Ok:
    pass


@dataclass(frozen=True)
class FailureReply:
    code: str
    message: str


@dataclass(frozen=True)
class ParamValueReply:
    value: float


@dataclass(frozen=True)
class StateReply:
    data: bytes


@dataclass(frozen=True)
class TextReply:
    text: str


@dataclass(frozen=True)
class EditorReply:
    """A device's editor as the sandbox has it: shown or not, its X11 window (0 when the
    plugin floats a window of its own), its size."""

    device: int
    visible: bool
    window: int
    width: int
    height: int
    resizable: bool


@dataclass(frozen=True)
class PresetListReply:
    presets: tuple[ClapPreset, ...]


# More than any plugin lists; a longer list is a lie.
MAX_LISTED_PRESETS = 10000

ReplyBody = (Ok | FailureReply | DeviceDescription | ParamValueReply | StateReply | TextReply | EditorReply
             | PresetListReply)


@dataclass(frozen=True)
class ResponseMessage:
    request_id: int
    reply: ReplyBody


@dataclass(frozen=True)
class ReadyMessage:
    protocol_version: int


@dataclass(frozen=True)
class LogMessage:
    device: int
    severity: int
    text: str


@dataclass(frozen=True)
class DeviceChangedMessage:
    info: DeviceDescription = field()
    # The plugin said its state changed.
    state_dirty: bool = False


@dataclass(frozen=True)
class ParamEditedMessage:
    """The plugin changed a parameter itself (a gesture in its editor), in plain units."""

    device: int
    param: int
    value: float


@dataclass(frozen=True)
class EditorChangedMessage:
    """The user or the plugin changed an editor: closed it, or resized it."""

    editor: EditorReply


SandboxMessageBody = (ResponseMessage | ReadyMessage | LogMessage | DeviceChangedMessage | ParamEditedMessage
                      | EditorChangedMessage)


# The tables below come from the code flatc generated, which has no type hints: Any.
def _table(kind: Any, union_table: Any) -> Any:
    table = kind()
    table.Init(union_table.Bytes, union_table.Pos)
    return table


def _port(port: tuple[int, bytes | None, int, bool]) -> PortDescription:
    id_, name, channels, is_main = port
    if channels > MAX_CHANNELS:
        raise ProtocolError(f"sandbox reported a port with {channels} channels")
    return PortDescription(id_, decode_text(name), channels, is_main)


def _param(param: tuple[int, bytes | None, bytes | None, float, float, float, int]) -> Param:
    id_, name, module, low, high, default, flags = param
    if not (math.isfinite(low) and math.isfinite(high) and math.isfinite(default)) or low > high:
        raise ProtocolError(f"sandbox reported parameter {id_} with an invalid range")
    return Param(id=id_, name=decode_text(name), min=low, max=high, default=min(max(default, low), high),
                 module=decode_text(module), flags=flags)


def device_description(frame: bytes) -> DeviceDescription:
    """The description a frame carries (a reply's or a device change's), read natively."""
    info = read_device_info(frame)
    if info is None:
        raise ProtocolError("sandbox sent a message without the device description it needs")
    (device, plugin_id, name, vendor, version, inputs, outputs, params, latency, note_inputs, note_outputs,
     has_editor, has_preset_load) = info
    if len(inputs) > MAX_PORTS or len(outputs) > MAX_PORTS:
        raise ProtocolError("sandbox reported too many audio ports")
    if len(params) > MAX_PARAMS:
        raise ProtocolError("sandbox reported too many parameters")
    if note_inputs > MAX_PORTS or note_outputs > MAX_PORTS:
        raise ProtocolError("sandbox reported too many note ports")
    if latency > MAX_LATENCY:
        # Latency compensation delays other paths by it: believed, it would make the client
        # and honest sandboxes allocate delay lines without bound.
        raise ProtocolError(f"sandbox reported a latency of {latency} frames")
    return DeviceDescription(
        device=device,
        plugin_id=decode_text(plugin_id),
        name=decode_text(name),
        vendor=decode_text(vendor),
        version=decode_text(version),
        inputs=tuple(map(_port, inputs)),
        outputs=tuple(map(_port, outputs)),
        params=tuple(map(_param, params)),
        latency=latency,
        note_inputs=note_inputs,
        note_outputs=note_outputs,
        has_editor=has_editor,
        has_preset_load=has_preset_load,
    )


MAX_EDITOR_SIDE = 16384


def _editor(table: Any) -> EditorReply:
    info = _table(EditorInfo.EditorInfo, table)
    if info.Width() > MAX_EDITOR_SIDE or info.Height() > MAX_EDITOR_SIDE or info.Window() >= 1 << 32:
        raise ProtocolError("sandbox reported an impossible editor window")
    return EditorReply(info.Device(), bool(info.Visible()), info.Window(), info.Width(), info.Height(),
                       bool(info.Resizable()))


def _reply(response: Any, frame: bytes) -> ReplyBody:
    kind, table = response.ReplyType(), response.Reply()
    if kind == Reply.Ok:
        return Ok()
    if kind == Reply.Failure:
        failure = _table(Failure.Failure, table)
        return FailureReply(ERROR_NAMES.get(failure.Code(), "Unknown"), decode_text(failure.Message()))
    if kind == Reply.DeviceInfo:
        return device_description(frame)
    if kind == Reply.ParamValue:
        return ParamValueReply(_table(ParamValue.ParamValue, table).Value())
    if kind == Reply.State:
        state = _table(State.State, table)
        data = state.DataAsNumpy()
        return StateReply(b"" if isinstance(data, int) else data.tobytes())
    if kind == Reply.Text:
        return TextReply(decode_text(_table(Text.Text, table).Text()))
    if kind == Reply.EditorInfo:
        return _editor(table)
    if kind == Reply.PresetList:
        return _preset_list(table)
    raise ProtocolError(f"sandbox sent an unknown reply type {kind}")


def _preset_list(table: Any) -> PresetListReply:
    listed = _table(PresetList.PresetList, table)
    if listed.PresetsLength() > MAX_LISTED_PRESETS:
        raise ProtocolError(f"sandbox listed {listed.PresetsLength()} presets")
    presets = []
    for i in range(listed.PresetsLength()):
        preset = listed.Presets(i)
        location, load_key = preset.Location(), preset.LoadKey()
        if preset.Kind() == PresetLocationKind.File and location is not None:
            kind: Literal["file", "plugin"] = "file"
        elif preset.Kind() == PresetLocationKind.Plugin and location is None:
            kind = "plugin"
        else:
            raise ProtocolError("sandbox listed a preset with an impossible location")
        presets.append(ClapPreset(decode_text(preset.Name()), kind,
                                  None if location is None else decode_text(location),
                                  None if load_key is None else decode_text(load_key)))
    return PresetListReply(tuple(presets))


def parse(frame: bytes) -> SandboxMessageBody:
    """Verifies and reads one frame; raises ProtocolError for anything malformed."""
    if not verify_sandbox_message(frame):
        raise ProtocolError("sandbox sent a malformed message")
    message = SandboxMessage.SandboxMessage.GetRootAs(frame, 0)
    kind, table = message.BodyType(), message.Body()
    if kind == Body.Response:
        response = _table(Response.Response, table)
        return ResponseMessage(response.Id(), _reply(response, frame))
    if kind == Body.Ready:
        return ReadyMessage(_table(Ready.Ready, table).ProtocolVersion())
    if kind == Body.Log:
        log = _table(Log.Log, table)
        return LogMessage(log.Device(), log.Severity(), decode_text(log.Message()))
    if kind == Body.DeviceChanged:
        changed = _table(DeviceChanged.DeviceChanged, table)
        return DeviceChangedMessage(device_description(frame), bool(changed.StateDirty()))
    if kind == Body.ParamEdited:
        edited = _table(ParamEdited.ParamEdited, table)
        if not math.isfinite(edited.Value()):
            raise ProtocolError(f"sandbox reported a non-finite value for parameter {edited.Param()}")
        return ParamEditedMessage(edited.Device(), edited.Param(), edited.Value())
    if kind == Body.EditorInfo:
        return EditorChangedMessage(_editor(table))
    raise ProtocolError(f"sandbox sent an unknown message type {kind}")
