#include "server/messages.hpp"

#include "core/device.hpp"

namespace scuff::sbox {

namespace fb = flatbuffers;
using namespace protocol;

namespace {

Message finish(fb::FlatBufferBuilder& builder, Body type, fb::Offset<void> body) {
    builder.Finish(CreateSandboxMessage(builder, type, body));
    return builder.Release();
}

Message response(fb::FlatBufferBuilder& builder, uint64_t request, Reply type, fb::Offset<void> reply) {
    return finish(builder, Body::Response, CreateResponse(builder, request, type, reply).Union());
}

fb::Offset<fb::Vector<fb::Offset<PortInfo>>> ports(fb::FlatBufferBuilder& builder,
                                                   const std::vector<PortDescription>& ports) {
    std::vector<fb::Offset<PortInfo>> offsets;
    for (const auto& port : ports) {
        offsets.push_back(CreatePortInfo(builder, port.id, builder.CreateString(port.name),
                                         port.channels, port.is_main));
    }
    return builder.CreateVector(offsets);
}

fb::Offset<DeviceInfo> device_info(fb::FlatBufferBuilder& builder, const Device& device) {
    std::vector<fb::Offset<ParamInfo>> params;
    for (const auto& param : device.params()) {
        params.push_back(CreateParamInfo(builder, param.id, builder.CreateString(param.name),
                                         builder.CreateString(param.module), param.min_value,
                                         param.max_value, param.default_value, param.flags));
    }
    auto identity = device.identity();
    auto inputs = ports(builder, device.inputs());
    auto outputs = ports(builder, device.outputs());
    auto param_vector = builder.CreateVector(params);
    return CreateDeviceInfo(builder, device.id(), builder.CreateString(identity.id),
                            builder.CreateString(identity.name), builder.CreateString(identity.vendor),
                            builder.CreateString(identity.version), inputs, outputs, param_vector,
                            device.latency(), device.note_inputs(), device.note_outputs(), device.has_editor(),
                            device.has_preset_load());
}

protocol::LogSeverity protocol_severity(sbox::LogSeverity severity) {
    switch (severity) {
    case sbox::LogSeverity::Debug: return protocol::LogSeverity::Debug;
    case sbox::LogSeverity::Info: return protocol::LogSeverity::Info;
    case sbox::LogSeverity::Warning: return protocol::LogSeverity::Warning;
    case sbox::LogSeverity::Error: return protocol::LogSeverity::Error;
    case sbox::LogSeverity::Fatal: return protocol::LogSeverity::Fatal;
    case sbox::LogSeverity::HostMisbehaving: return protocol::LogSeverity::HostMisbehaving;
    case sbox::LogSeverity::PluginMisbehaving: return protocol::LogSeverity::PluginMisbehaving;
    }
    return protocol::LogSeverity::Error;
}

fb::Offset<EditorInfo> editor_info(fb::FlatBufferBuilder& builder, uint32_t device, const EditorState& state) {
    return CreateEditorInfo(builder, device, state.visible, state.window, state.width, state.height, state.resizable);
}

} // namespace

Message ready_message() {
    fb::FlatBufferBuilder builder;
    return finish(builder, Body::Ready, CreateReady(builder, kProtocolVersion).Union());
}

Message ok_reply(uint64_t request) {
    fb::FlatBufferBuilder builder;
    return response(builder, request, Reply::Ok, CreateOk(builder).Union());
}

Message failure_reply(uint64_t request, ErrorCode code, const std::string& text) {
    fb::FlatBufferBuilder builder;
    return response(builder, request, Reply::Failure,
                    CreateFailure(builder, code, builder.CreateString(text)).Union());
}

Message device_info_reply(uint64_t request, const Device& device) {
    fb::FlatBufferBuilder builder;
    return response(builder, request, Reply::DeviceInfo, device_info(builder, device).Union());
}

Message param_value_reply(uint64_t request, double value) {
    fb::FlatBufferBuilder builder;
    return response(builder, request, Reply::ParamValue, CreateParamValue(builder, value).Union());
}

Message text_reply(uint64_t request, const std::string& text) {
    fb::FlatBufferBuilder builder;
    return response(builder, request, Reply::Text, CreateText(builder, builder.CreateString(text)).Union());
}

Message preset_list_reply(uint64_t request, std::span<const ListedPreset> presets) {
    fb::FlatBufferBuilder builder;
    auto optional_string = [&builder](const std::optional<std::string>& text) {
        return text ? builder.CreateString(*text) : fb::Offset<fb::String>();
    };
    std::vector<fb::Offset<protocol::ListedPreset>> entries;
    entries.reserve(presets.size());
    for (const auto& preset : presets) {
        auto kind = preset.location.kind == PresetLocation::Kind::File ? PresetLocationKind::File
                                                                       : PresetLocationKind::Plugin;
        entries.push_back(CreateListedPreset(builder, builder.CreateString(preset.name), kind,
                                             optional_string(preset.location.path),
                                             optional_string(preset.location.load_key)));
    }
    auto list = CreatePresetList(builder, builder.CreateVector(entries));
    return response(builder, request, Reply::PresetList, list.Union());
}

Message state_reply(uint64_t request, std::span<const uint8_t> data) {
    fb::FlatBufferBuilder builder(data.size() + 256);
    auto bytes = builder.CreateVector(data.data(), data.size());
    return response(builder, request, Reply::State, CreateState(builder, bytes).Union());
}

Message log_message(uint32_t device, sbox::LogSeverity severity, const std::string& text) {
    fb::FlatBufferBuilder builder;
    return finish(builder, Body::Log,
                  CreateLog(builder, device, protocol_severity(severity), builder.CreateString(text)).Union());
}

Message device_changed_message(const Device& device, bool state_dirty) {
    fb::FlatBufferBuilder builder;
    auto info = device_info(builder, device);
    return finish(builder, Body::DeviceChanged, CreateDeviceChanged(builder, info, state_dirty).Union());
}

Message param_edited_message(uint32_t device, uint32_t param_id, double value) {
    fb::FlatBufferBuilder builder;
    return finish(builder, Body::ParamEdited, CreateParamEdited(builder, device, param_id, value).Union());
}

Message editor_reply(uint64_t request, uint32_t device, const EditorState& state) {
    fb::FlatBufferBuilder builder;
    return response(builder, request, Reply::EditorInfo, editor_info(builder, device, state).Union());
}

Message editor_changed_message(uint32_t device, const EditorState& state) {
    fb::FlatBufferBuilder builder;
    return finish(builder, Body::EditorInfo, editor_info(builder, device, state).Union());
}

} // namespace scuff::sbox
