"""Builders for every request the client sends to a sandbox (schema/client_message.fbs)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import flatbuffers

from ..protocol import (
    AttachDeviceMemory,
    ChunkDevice,
    ClientMessage,
    Connection,
    CreateDevice,
    DescribeDevice,
    DestroyDevice,
    FlushParams,
    GetParamValue,
    HideEditor,
    ListPresets,
    LoadPresetFrom,
    LoadState,
    ParamFromText,
    ParamToText,
    ResizeEditor,
    SaveState,
    SetChunkMemory,
    SetPlan,
    SetProcessMode,
    ShowEditor,
)
from ..protocol.PresetLocationKind import PresetLocationKind
from ..protocol.Request import Request

# A request body: given a builder, writes the request table and returns (type, offset).
RequestBody = Callable[[flatbuffers.Builder], "tuple[int, int]"]


def frame(request_id: int, body: RequestBody) -> bytes:
    """The finished ClientMessage buffer for one request."""
    builder = flatbuffers.Builder(256)
    request_type, offset = body(builder)
    ClientMessage.Start(builder)
    ClientMessage.AddId(builder, request_id)
    ClientMessage.AddRequestType(builder, request_type)
    ClientMessage.AddRequest(builder, offset)
    builder.Finish(ClientMessage.End(builder))
    return bytes(builder.Output())


def create_device(device: int, path: str, plugin_id: str | None) -> RequestBody:
    def build(builder: flatbuffers.Builder) -> tuple[int, int]:
        path_offset = builder.CreateString(path)
        id_offset = builder.CreateString(plugin_id or "")
        CreateDevice.Start(builder)
        CreateDevice.AddDevice(builder, device)
        CreateDevice.AddPath(builder, path_offset)
        CreateDevice.AddPluginId(builder, id_offset)
        return Request.CreateDevice, CreateDevice.End(builder)

    return build


def attach_device_memory(device: int, size: int) -> RequestBody:
    def build(builder: flatbuffers.Builder) -> tuple[int, int]:
        AttachDeviceMemory.Start(builder)
        AttachDeviceMemory.AddDevice(builder, device)
        AttachDeviceMemory.AddSize(builder, size)
        return Request.AttachDeviceMemory, AttachDeviceMemory.End(builder)

    return build


@dataclass(frozen=True)
class PlanConnection:
    """A connection inside one sandbox, as SetPlan carries it."""

    source_device: int
    source_port: int
    target_device: int
    target_port: int
    delayed: bool
    delay: int
    # Between note ports rather than audio ports.
    notes: bool = False


def set_plan(devices: list[int], connections: Sequence[PlanConnection] = ()) -> RequestBody:
    def build(builder: flatbuffers.Builder) -> tuple[int, int]:
        connection_offsets = []
        for c in connections:
            Connection.Start(builder)
            Connection.AddSourceDevice(builder, c.source_device)
            Connection.AddSourcePort(builder, c.source_port)
            Connection.AddTargetDevice(builder, c.target_device)
            Connection.AddTargetPort(builder, c.target_port)
            Connection.AddDelayed(builder, c.delayed)
            Connection.AddDelay(builder, c.delay)
            Connection.AddNotes(builder, c.notes)
            connection_offsets.append(Connection.End(builder))
        SetPlan.StartConnectionsVector(builder, len(connection_offsets))
        for offset in reversed(connection_offsets):
            builder.PrependUOffsetTRelative(offset)
        connections_offset = builder.EndVector()
        SetPlan.StartDevicesVector(builder, len(devices))
        for device in reversed(devices):
            builder.PrependUint32(device)
        devices_offset = builder.EndVector()
        SetPlan.Start(builder)
        SetPlan.AddDevices(builder, devices_offset)
        SetPlan.AddConnections(builder, connections_offset)
        return Request.SetPlan, SetPlan.End(builder)

    return build


@dataclass(frozen=True)
class ChunkPart:
    """One device's part of a chunk segment, as SetChunkMemory carries it."""

    device: int
    inputs: tuple[int, ...]  # channels per audio input port
    outputs: tuple[int, ...]
    note_inputs: bool
    note_outputs: bool


def set_chunk_memory(size: int, blocks: int, parts: Sequence[ChunkPart]) -> RequestBody:
    def build(builder: flatbuffers.Builder) -> tuple[int, int]:
        def uint32_vector(start: Callable[[flatbuffers.Builder, int], None], values: Sequence[int]) -> int:
            start(builder, len(values))
            for value in reversed(values):
                builder.PrependUint32(value)
            return int(builder.EndVector())

        part_offsets = []
        for part in parts:
            inputs = uint32_vector(ChunkDevice.StartInputsVector, part.inputs)
            outputs = uint32_vector(ChunkDevice.StartOutputsVector, part.outputs)
            ChunkDevice.Start(builder)
            ChunkDevice.AddDevice(builder, part.device)
            ChunkDevice.AddInputs(builder, inputs)
            ChunkDevice.AddOutputs(builder, outputs)
            ChunkDevice.AddNoteInputs(builder, part.note_inputs)
            ChunkDevice.AddNoteOutputs(builder, part.note_outputs)
            part_offsets.append(ChunkDevice.End(builder))
        SetChunkMemory.StartDevicesVector(builder, len(part_offsets))
        for offset in reversed(part_offsets):
            builder.PrependUOffsetTRelative(offset)
        devices_offset = builder.EndVector()
        SetChunkMemory.Start(builder)
        SetChunkMemory.AddSize(builder, size)
        SetChunkMemory.AddBlocks(builder, blocks)
        SetChunkMemory.AddDevices(builder, devices_offset)
        return Request.SetChunkMemory, SetChunkMemory.End(builder)

    return build


def load_state(device: int, data: bytes) -> RequestBody:
    def build(builder: flatbuffers.Builder) -> tuple[int, int]:
        data_offset = builder.CreateByteVector(data)
        LoadState.Start(builder)
        LoadState.AddDevice(builder, device)
        LoadState.AddData(builder, data_offset)
        return Request.LoadState, LoadState.End(builder)

    return build


def get_param_value(device: int, param: int) -> RequestBody:
    def build(builder: flatbuffers.Builder) -> tuple[int, int]:
        GetParamValue.Start(builder)
        GetParamValue.AddDevice(builder, device)
        GetParamValue.AddParam(builder, param)
        return Request.GetParamValue, GetParamValue.End(builder)

    return build


def set_process_mode(offline: bool) -> RequestBody:
    def build(builder: flatbuffers.Builder) -> tuple[int, int]:
        SetProcessMode.Start(builder)
        SetProcessMode.AddOffline(builder, offline)
        return Request.SetProcessMode, SetProcessMode.End(builder)

    return build


def param_to_text(device: int, param: int, value: float) -> RequestBody:
    def build(builder: flatbuffers.Builder) -> tuple[int, int]:
        ParamToText.Start(builder)
        ParamToText.AddDevice(builder, device)
        ParamToText.AddParam(builder, param)
        ParamToText.AddValue(builder, value)
        return Request.ParamToText, ParamToText.End(builder)

    return build


def param_from_text(device: int, param: int, text: str) -> RequestBody:
    def build(builder: flatbuffers.Builder) -> tuple[int, int]:
        text_offset = builder.CreateString(text)
        ParamFromText.Start(builder)
        ParamFromText.AddDevice(builder, device)
        ParamFromText.AddParam(builder, param)
        ParamFromText.AddText(builder, text_offset)
        return Request.ParamFromText, ParamFromText.End(builder)

    return build


def show_editor(device: int, parent: int, embed: bool, app_name: str) -> RequestBody:
    def build(builder: flatbuffers.Builder) -> tuple[int, int]:
        name_offset = builder.CreateString(app_name)
        ShowEditor.Start(builder)
        ShowEditor.AddDevice(builder, device)
        ShowEditor.AddParent(builder, parent)
        ShowEditor.AddEmbed(builder, embed)
        ShowEditor.AddAppName(builder, name_offset)
        return Request.ShowEditor, ShowEditor.End(builder)

    return build


def resize_editor(device: int, width: int, height: int) -> RequestBody:
    def build(builder: flatbuffers.Builder) -> tuple[int, int]:
        ResizeEditor.Start(builder)
        ResizeEditor.AddDevice(builder, device)
        ResizeEditor.AddWidth(builder, width)
        ResizeEditor.AddHeight(builder, height)
        return Request.ResizeEditor, ResizeEditor.End(builder)

    return build


def load_preset_from(device: int, kind: str, location: str | None, load_key: str | None) -> RequestBody:
    """Has a CLAP plugin load a preset of its own format: kind "file" (location: a path the
    sandbox sees) or "plugin" (built in, no location)."""
    kind_value = {"file": PresetLocationKind.File, "plugin": PresetLocationKind.Plugin}[kind]

    def build(builder: flatbuffers.Builder) -> tuple[int, int]:
        location_offset = builder.CreateString(location) if location is not None else None
        key_offset = builder.CreateString(load_key) if load_key is not None else None
        LoadPresetFrom.Start(builder)
        LoadPresetFrom.AddDevice(builder, device)
        LoadPresetFrom.AddKind(builder, kind_value)
        if location_offset is not None:
            LoadPresetFrom.AddLocation(builder, location_offset)
        if key_offset is not None:
            LoadPresetFrom.AddLoadKey(builder, key_offset)
        return Request.LoadPresetFrom, LoadPresetFrom.End(builder)

    return build


# `module` is a table module flatc generated, with no type hints.
def _device_request(module: Any, request_type: int) -> Callable[[int], RequestBody]:
    """Requests whose only field is the device id."""

    def for_device(device: int) -> RequestBody:
        def build(builder: flatbuffers.Builder) -> tuple[int, int]:
            module.Start(builder)
            module.AddDevice(builder, device)
            return request_type, module.End(builder)

        return build

    return for_device


destroy_device = _device_request(DestroyDevice, Request.DestroyDevice)
flush_params = _device_request(FlushParams, Request.FlushParams)
save_state = _device_request(SaveState, Request.SaveState)
describe_device = _device_request(DescribeDevice, Request.DescribeDevice)
hide_editor = _device_request(HideEditor, Request.HideEditor)
list_presets = _device_request(ListPresets, Request.ListPresets)
