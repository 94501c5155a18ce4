// One handler per client request. Each validates its request, acts, and returns the
// reply; failures are RequestErrors that become Failure replies.
#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>

#include "core/request_error.hpp"
#include "core/thread_roles.hpp"
#include "server/sandbox.hpp"

namespace scuff::sbox {

using protocol::ErrorCode;

namespace {

constexpr auto kAudioThreadTimeout = std::chrono::seconds(5);

} // namespace

Device& Sandbox::device(uint32_t id) {
    auto found = devices_.find(id);
    if (found == devices_.end()) {
        throw RequestError(ErrorCode::NoSuchDevice, "no device with id " + std::to_string(id));
    }
    return *found->second;
}

void Sandbox::on_audio_thread(std::function<void()> work) {
    if (!audio_->run(std::move(work), kAudioThreadTimeout)) {
        throw RequestError(ErrorCode::Timeout, "the audio thread did not respond in time");
    }
}

void Sandbox::flush(Device& device) {
    if (device.lifecycle() == Lifecycle::Initialized) {
        device.flush_params_inactive();
    } else {
        on_audio_thread([&device] { device.flush_params_active(); });
    }
    device.on_params_flushed();
}

void Sandbox::restart(Device& device) {
    if (device.lifecycle() == Lifecycle::Initialized) {
        return;
    }
    // The device stays in the plan: a cycle that reaches it while it restarts waits for
    // it, so no block is skipped or repeated.
    on_audio_thread([&device] { device.begin_restart(); });
    device.finish_restart();
}

Message Sandbox::create_device(uint64_t id, const protocol::CreateDevice& request) {
    if (devices_.contains(request.device())) {
        throw RequestError(ErrorCode::BadRequest,
                           "a device with id " + std::to_string(request.device()) + " exists already");
    }
    std::string plugin_id = request.plugin_id() ? request.plugin_id()->str() : "";
    std::unique_ptr<Device> created;
    try {
        created = modules_.create_device(request.device(), request.path()->str(), plugin_id, *this);
    } catch (...) {
        // A plugin may have registered timers or descriptors before it failed.
        forget_device(request.device());
        throw;
    }
    auto& device = *created;
    devices_.emplace(request.device(), std::move(created));
    // Not active yet, so a format that takes the mode only while inactive takes it now.
    device.set_offline(offline_);
    return device_info_reply(id, device);
}

Message Sandbox::attach_device_memory(uint64_t id, const protocol::AttachDeviceMemory& request) {
    int fd = socket_.take_fd();
    if (fd < 0) {
        throw RequestError(ErrorCode::BadRequest, "no shared memory descriptor came with the request");
    }
    os::SharedMemory memory;
    try {
        memory = os::SharedMemory::adopt(fd, request.size());
    } catch (const std::exception& error) {
        throw RequestError(ErrorCode::BadRequest, error.what());
    }
    auto& target = device(request.device());
    target.attach_memory(std::move(memory), options_.sample_rate, options_.max_frames);
    return device_info_reply(id, target);
}

Message Sandbox::destroy_device(uint64_t id, const protocol::DestroyDevice& request) {
    auto& target = device(request.device());
    on_audio_thread([this, &target] {
        target.stop_processing();
        audio_->plan().remove(&target);
        if (ChunkArea* chunk = audio_->chunk_area()) {
            chunk->remove(&target);
        }
    });
    editors_.forget(target);
    devices_.erase(request.device());
    // After the plugin is destroyed: it may unregister its own timers while it goes.
    forget_device(request.device());
    return ok_reply(id);
}

Message Sandbox::set_plan(uint64_t id, const protocol::SetPlan& request) {
    // Shared with the work item, which may still run after a timeout.
    auto plan = std::make_shared<std::unique_ptr<ProcessPlan>>(std::make_unique<ProcessPlan>(
        request, [this](uint32_t device_id) -> Device& { return device(device_id); }, options_.max_frames));
    on_audio_thread([this, plan] {
        const auto& next = (*plan)->devices();
        for (Device* current : audio_->plan().devices()) {
            if (std::find(next.begin(), next.end(), current) == next.end()) {
                current->stop_processing();
            }
        }
        *plan = audio_->set_plan(std::move(*plan));
    });
    return ok_reply(id);
}

namespace {

// The channel counts of `ports`, to compare with what the client says.
bool same_channels(const std::vector<PortDescription>& ports, const flatbuffers::Vector<uint32_t>* channels) {
    size_t count = channels ? channels->size() : 0;
    if (count != ports.size()) {
        return false;
    }
    for (size_t port = 0; port < count; ++port) {
        if (channels->Get(static_cast<flatbuffers::uoffset_t>(port)) != ports[port].channels) {
            return false;
        }
    }
    return true;
}

} // namespace

Message Sandbox::set_chunk_memory(uint64_t id, const protocol::SetChunkMemory& request) {
    int fd = socket_.take_fd();
    if (fd < 0) {
        throw RequestError(ErrorCode::BadRequest, "no shared memory descriptor came with the request");
    }
    os::SharedMemory memory;
    try {
        memory = os::SharedMemory::adopt(fd, request.size());
    } catch (const std::exception& error) {
        throw RequestError(ErrorCode::BadRequest, error.what());
    }
    std::vector<ChunkDeviceShape> shapes;
    std::vector<Device*> members;
    if (request.devices()) {
        for (const auto* entry : *request.devices()) {
            Device* member = &device(entry->device());
            if (std::find(members.begin(), members.end(), member) != members.end()) {
                throw RequestError(ErrorCode::BadRequest,
                                   "device " + std::to_string(entry->device()) + " appears twice in the chunk");
            }
            if (!same_channels(member->inputs(), entry->inputs()) ||
                !same_channels(member->outputs(), entry->outputs())) {
                throw RequestError(ErrorCode::BadRequest, "the chunk's ports of device " +
                                                              std::to_string(entry->device()) +
                                                              " are not the device's");
            }
            ChunkDeviceShape shape;
            for (const auto& port : member->inputs()) shape.inputs.push_back(port.channels);
            for (const auto& port : member->outputs()) shape.outputs.push_back(port.channels);
            shape.note_inputs = entry->note_inputs();
            shape.note_outputs = entry->note_outputs();
            shapes.push_back(std::move(shape));
            members.push_back(member);
        }
    }
    std::optional<ChunkLayout> layout;
    try {
        layout.emplace(request.blocks(), options_.max_frames, shapes);
    } catch (const std::invalid_argument& error) {
        throw RequestError(ErrorCode::BadRequest, error.what());
    }
    if (memory.size() < layout->total_size()) {
        throw RequestError(ErrorCode::BadRequest, "chunk memory is smaller than its layout");
    }
    // Shared with the work item, which may still run after a timeout.
    auto area = std::make_shared<std::unique_ptr<ChunkArea>>(
        std::make_unique<ChunkArea>(std::move(memory), std::move(*layout), std::move(members)));
    on_audio_thread([this, area] { *area = audio_->set_chunk_area(std::move(*area)); });
    return ok_reply(id);
}

Message Sandbox::flush_params(uint64_t id, const protocol::FlushParams& request) {
    flush(device(request.device()));
    return ok_reply(id);
}

Message Sandbox::get_param_value(uint64_t id, const protocol::GetParamValue& request) {
    return param_value_reply(id, device(request.device()).param_value(request.param()));
}

Message Sandbox::save_state(uint64_t id, const protocol::SaveState& request) {
    auto state = device(request.device()).save_state();
    return state_reply(id, state);
}

Message Sandbox::load_state(uint64_t id, const protocol::LoadState& request) {
    auto& target = device(request.device());
    if (target.load_state({request.data()->data(), request.data()->size()}) == StateLoad::NeedsFlush) {
        flush(target);
    }
    return ok_reply(id);
}

Message Sandbox::describe_device(uint64_t id, const protocol::DescribeDevice& request) {
    return device_info_reply(id, device(request.device()));
}

Message Sandbox::set_process_mode(uint64_t id, const protocol::SetProcessMode& request) {
    offline_ = request.offline();
    for (auto& [device_id, target] : devices_) {
        if (target->set_offline(offline_) == ModeChange::NeedsRestart) {
            // Reactivated between two blocks, as for a plugin's own restart request.
            restart(*target);
        }
    }
    return ok_reply(id);
}

Message Sandbox::param_to_text(uint64_t id, const protocol::ParamToText& request) {
    if (!std::isfinite(request.value())) {
        throw RequestError(ErrorCode::BadRequest, "a parameter value must be finite");
    }
    auto text = device(request.device()).param_to_text(request.param(), request.value());
    if (!text) {
        throw RequestError(ErrorCode::BadParamText, "the plugin has no text for that value");
    }
    return text_reply(id, *text);
}

Message Sandbox::param_from_text(uint64_t id, const protocol::ParamFromText& request) {
    auto value = device(request.device()).param_from_text(request.param(), request.text()->str());
    if (!value) {
        throw RequestError(ErrorCode::BadParamText, "the plugin cannot read '" + request.text()->str() + "' as a value");
    }
    return param_value_reply(id, *value);
}

Message Sandbox::show_editor(uint64_t id, const protocol::ShowEditor& request) {
    auto& target = device(request.device());
    ShowEditorRequest show{request.parent(), request.embed(), request.app_name() ? request.app_name()->str() : ""};
    return editor_reply(id, target.id(), editors_.show(target, show));
}

Message Sandbox::hide_editor(uint64_t id, const protocol::HideEditor& request) {
    auto& target = device(request.device());
    return editor_reply(id, target.id(), editors_.hide(target));
}

Message Sandbox::resize_editor(uint64_t id, const protocol::ResizeEditor& request) {
    auto& target = device(request.device());
    return editor_reply(id, target.id(), editors_.resize(target, {request.width(), request.height()}));
}

Message Sandbox::load_preset_from(uint64_t id, const protocol::LoadPresetFrom& request) {
    auto& target = device(request.device());
    PresetLocation location;
    switch (request.kind()) {
    case protocol::PresetLocationKind::File: location.kind = PresetLocation::Kind::File; break;
    case protocol::PresetLocationKind::Plugin: location.kind = PresetLocation::Kind::Plugin; break;
    default: throw RequestError(ErrorCode::BadRequest, "unknown preset location kind");
    }
    if (request.location()) location.path = request.location()->str();
    if (request.load_key()) location.load_key = request.load_key()->str();
    target.load_preset(location);
    return ok_reply(id);
}

Message Sandbox::list_presets(uint64_t id, const protocol::ListPresets& request) {
    auto presets = device(request.device()).list_presets();
    return preset_list_reply(id, presets);
}

} // namespace scuff::sbox
