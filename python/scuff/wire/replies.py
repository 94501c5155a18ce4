"""Reading what a sandbox sends (schema/sandbox_message.fbs). Nothing a sandbox says
is trusted: buffers are verified natively first, then every value is checked here."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from .._native import verify_sandbox_message
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
from ..protocol import DeviceInfo as DeviceInfoTable
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


def _port(port: Any) -> PortDescription:
    channels = port.Channels()
    if channels > MAX_CHANNELS:
        raise ProtocolError(f"sandbox reported a port with {channels} channels")
    return PortDescription(port.Id(), decode_text(port.Name()), channels, bool(port.IsMain()))


def _param(param: Any) -> Param:
    low, high, default = param.MinValue(), param.MaxValue(), param.DefaultValue()
    if not all(math.isfinite(v) for v in (low, high, default)) or low > high:
        raise ProtocolError(f"sandbox reported parameter {param.Id()} with an invalid range")
    return Param(
        id=param.Id(),
        name=decode_text(param.Name()),
        min=low,
        max=high,
        default=min(max(default, low), high),
        module=decode_text(param.Module()),
        flags=param.Flags(),
    )


def device_description(info: Any) -> DeviceDescription:
    if info.InputsLength() > MAX_PORTS or info.OutputsLength() > MAX_PORTS:
        raise ProtocolError("sandbox reported too many audio ports")
    if info.ParamsLength() > MAX_PARAMS:
        raise ProtocolError("sandbox reported too many parameters")
    if info.NoteInputs() > MAX_PORTS or info.NoteOutputs() > MAX_PORTS:
        raise ProtocolError("sandbox reported too many note ports")
    if info.Latency() > MAX_LATENCY:
        # Latency compensation delays other paths by it: believed, it would make the client
        # and honest sandboxes allocate delay lines without bound.
        raise ProtocolError(f"sandbox reported a latency of {info.Latency()} frames")
    return DeviceDescription(
        device=info.Device(),
        plugin_id=decode_text(info.PluginId()),
        name=decode_text(info.Name()),
        vendor=decode_text(info.Vendor()),
        version=decode_text(info.Version()),
        inputs=tuple(_port(info.Inputs(i)) for i in range(info.InputsLength())),
        outputs=tuple(_port(info.Outputs(i)) for i in range(info.OutputsLength())),
        params=tuple(_param(info.Params(i)) for i in range(info.ParamsLength())),
        latency=info.Latency(),
        note_inputs=info.NoteInputs(),
        note_outputs=info.NoteOutputs(),
        has_editor=bool(info.HasEditor()),
        has_preset_load=bool(info.HasPresetLoad()),
    )


MAX_EDITOR_SIDE = 16384


def _editor(table: Any) -> EditorReply:
    info = _table(EditorInfo.EditorInfo, table)
    if info.Width() > MAX_EDITOR_SIDE or info.Height() > MAX_EDITOR_SIDE or info.Window() >= 1 << 32:
        raise ProtocolError("sandbox reported an impossible editor window")
    return EditorReply(info.Device(), bool(info.Visible()), info.Window(), info.Width(), info.Height(),
                       bool(info.Resizable()))


def _reply(response: Any) -> ReplyBody:
    kind, table = response.ReplyType(), response.Reply()
    if kind == Reply.Ok:
        return Ok()
    if kind == Reply.Failure:
        failure = _table(Failure.Failure, table)
        return FailureReply(ERROR_NAMES.get(failure.Code(), "Unknown"), decode_text(failure.Message()))
    if kind == Reply.DeviceInfo:
        return device_description(_table(DeviceInfoTable.DeviceInfo, table))
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
        return ResponseMessage(response.Id(), _reply(response))
    if kind == Body.Ready:
        return ReadyMessage(_table(Ready.Ready, table).ProtocolVersion())
    if kind == Body.Log:
        log = _table(Log.Log, table)
        return LogMessage(log.Device(), log.Severity(), decode_text(log.Message()))
    if kind == Body.DeviceChanged:
        changed = _table(DeviceChanged.DeviceChanged, table)
        return DeviceChangedMessage(device_description(changed.Info()), bool(changed.StateDirty()))
    if kind == Body.ParamEdited:
        edited = _table(ParamEdited.ParamEdited, table)
        if not math.isfinite(edited.Value()):
            raise ProtocolError(f"sandbox reported a non-finite value for parameter {edited.Param()}")
        return ParamEditedMessage(edited.Device(), edited.Param(), edited.Value())
    if kind == Body.EditorInfo:
        return EditorChangedMessage(_editor(table))
    raise ProtocolError(f"sandbox sent an unknown message type {kind}")
