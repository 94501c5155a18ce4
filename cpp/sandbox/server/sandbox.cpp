#include "server/sandbox.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "core/realtime_watch.hpp"
#include "core/request_error.hpp"
#include "core/thread_roles.hpp"

namespace scuff::sbox {

using protocol::ErrorCode;

Sandbox::Sandbox(const SandboxOptions& options)
    : options_(options),
      socket_(options.control_fd),
      signals_memory_(os::SharedMemory::adopt(options.signals_fd, sizeof(SandboxControlBlock))),
      control_(reinterpret_cast<SandboxControlBlock*>(signals_memory_.data())) {
    thread_roles().main_thread = os::current_thread_id();
    audio_ = std::make_unique<AudioThread>(*control_, options.max_frames);
}

Sandbox::~Sandbox() {
    audio_->run(
        [this] {
            for (Device* device : audio_->plan().devices()) {
                device->stop_processing();
            }
            audio_->set_plan(std::make_unique<ProcessPlan>());
        },
        std::chrono::seconds(2));
    audio_.reset();
    for (auto& [id, device] : devices_) {
        editors_.forget(*device);
    }
    devices_.clear();
}

int Sandbox::run() {
    send(ready_message());
    os::Poller poller;
    for (;;) {
        poller.clear();
        poller.add(socket_.fd());
        poller.add(wake_.fd());
        for (const auto& watched : watched_fds_) {
            poller.add(watched.fd);
        }
        // Last, so the watched descriptors keep their places; serve_editor_events reads
        // what Xlib already queued whether or not the descriptor is ready.
        if (editors_.fd() >= 0) {
            poller.add(editors_.fd());
        }
        if (!poller.wait(timers_.milliseconds_until_next())) {
            return 1;
        }
        if (poller.ready(0)) {
            bool open = socket_.receive_available();
            while (auto frame = socket_.next_frame()) {
                handle_frame(*frame);
            }
            if (!open) {
                return 0;
            }
        }
        if (poller.ready(1)) {
            wake_.drain();
            service_devices();
            send_queued_logs();
        }
        fire_timers();
        serve_watched_fds(poller);
        serve_editor_events();
    }
}

void Sandbox::send(const Message& message) {
    // A send only fails once the client is gone; the next poll sees the hang-up.
    socket_.send({message.data(), message.size()});
}

void Sandbox::handle_frame(const std::vector<uint8_t>& frame) {
    flatbuffers::Verifier verifier(frame.data(), frame.size());
    if (!protocol::VerifyClientMessageBuffer(verifier)) {
        send(log_message(0, LogSeverity::HostMisbehaving, "sandbox received a malformed control message"));
        return;
    }
    const auto* message = protocol::GetClientMessage(frame.data());
    uint64_t id = message->id();
    try {
        using protocol::Request;
        switch (message->request_type()) {
        case Request::CreateDevice:
            send(create_device(id, *message->request_as_CreateDevice()));
            break;
        case Request::AttachDeviceMemory:
            send(attach_device_memory(id, *message->request_as_AttachDeviceMemory()));
            break;
        case Request::DestroyDevice:
            send(destroy_device(id, *message->request_as_DestroyDevice()));
            break;
        case Request::SetPlan:
            send(set_plan(id, *message->request_as_SetPlan()));
            break;
        case Request::FlushParams:
            send(flush_params(id, *message->request_as_FlushParams()));
            break;
        case Request::GetParamValue:
            send(get_param_value(id, *message->request_as_GetParamValue()));
            break;
        case Request::SaveState:
            send(save_state(id, *message->request_as_SaveState()));
            break;
        case Request::LoadState:
            send(load_state(id, *message->request_as_LoadState()));
            break;
        case Request::DescribeDevice:
            send(describe_device(id, *message->request_as_DescribeDevice()));
            break;
        case Request::SetProcessMode:
            send(set_process_mode(id, *message->request_as_SetProcessMode()));
            break;
        case Request::ParamToText:
            send(param_to_text(id, *message->request_as_ParamToText()));
            break;
        case Request::ParamFromText:
            send(param_from_text(id, *message->request_as_ParamFromText()));
            break;
        case Request::ShowEditor:
            send(show_editor(id, *message->request_as_ShowEditor()));
            break;
        case Request::HideEditor:
            send(hide_editor(id, *message->request_as_HideEditor()));
            break;
        case Request::ResizeEditor:
            send(resize_editor(id, *message->request_as_ResizeEditor()));
            break;
        case Request::LoadPresetFrom:
            send(load_preset_from(id, *message->request_as_LoadPresetFrom()));
            break;
        case Request::ListPresets:
            send(list_presets(id, *message->request_as_ListPresets()));
            break;
        case Request::SetChunkMemory:
            send(set_chunk_memory(id, *message->request_as_SetChunkMemory()));
            break;
        default:
            send(failure_reply(id, ErrorCode::BadRequest, "unknown request"));
        }
    } catch (const RequestError& error) {
        send(failure_reply(id, error.code, error.what()));
    } catch (const std::exception& error) {
        send(failure_reply(id, ErrorCode::Unknown, error.what()));
    }
}

void Sandbox::service_devices() {
    for (auto& [id, device] : devices_) {
        auto requests = device->take_requests();
        try {
            if (requests.restart) {
                restart(*device);
            }
        } catch (const std::exception& error) {
            log(id, LogSeverity::Error, error.what());
        }
        // Done or failed: an audio thread waiting for it goes on either way.
        device->restart_finished(requests.restart_ticket);
        try {
            if (requests.flush) {
                flush(*device);
            }
        } catch (const std::exception& error) {
            log(id, LogSeverity::Error, error.what());
        }
        send_own_edits(*device, requests.edits);
        if (requests.non_finite_blocks > 0) {
            log(id, LogSeverity::Warning,
                "the plugin's output held NaN or infinity in " + std::to_string(requests.non_finite_blocks) +
                    " block(s); those blocks were silenced");
        }
        if (requests.params_changed || requests.latency_changed || requests.restart || requests.state_dirty) {
            send(device_changed_message(*device, requests.state_dirty));
        }
    }
}

void Sandbox::wake_main_loop() {
    RealtimePause own_work;
    wake_.signal();
}

void Sandbox::log(uint32_t device, LogSeverity severity, const std::string& message) {
    RealtimePause own_work;
    {
        std::lock_guard lock(log_mutex_);
        // A plugin that logs without end must not exhaust the sandbox's memory.
        if (queued_logs_.size() < 1000) {
            queued_logs_.push_back(log_message(device, severity, message));
        }
    }
    wake_main_loop();
}

void Sandbox::send_queued_logs() {
    std::deque<Message> logs;
    {
        std::lock_guard lock(log_mutex_);
        logs.swap(queued_logs_);
    }
    for (const auto& message : logs) {
        send(message);
    }
}

bool Sandbox::register_timer(uint32_t device, uint32_t period_ms, uint32_t* timer_id) {
    *timer_id = timers_.add(device, period_ms);
    return true;
}

bool Sandbox::unregister_timer(uint32_t device, uint32_t timer_id) {
    return timers_.remove(device, timer_id);
}

bool Sandbox::watch_fd(uint32_t device, int fd) {
    watched_fds_.push_back({device, fd});
    return true;
}

void Sandbox::unwatch_fd(uint32_t device, int fd) {
    std::erase_if(watched_fds_, [&](const WatchedFd& watched) { return watched.device == device && watched.fd == fd; });
}

void Sandbox::forget_device(uint32_t device) {
    timers_.remove_device(device);
    std::erase_if(watched_fds_, [&](const WatchedFd& watched) { return watched.device == device; });
}

void Sandbox::param_edited(uint32_t device, uint32_t param_id, double plain_value) {
    send(param_edited_message(device, param_id, plain_value));
}

bool Sandbox::editor_resize_requested(uint32_t device, uint32_t width, uint32_t height) {
    auto found = devices_.find(device);
    return found != devices_.end() && editors_.plugin_resized(*found->second, {width, height});
}

void Sandbox::editor_closed(uint32_t device) { editors_.closed(device); }

void Sandbox::send_own_edits(Device& device, const std::vector<ParamChange>& edits) {
    if (edits.empty()) {
        return;
    }
    // Read-only parameters (meters) are the plugin's to change, not edits to record.
    auto params = device.params();
    for (const auto& edit : edits) {
        auto param = std::find_if(params.begin(), params.end(), [&](const auto& p) { return p.id == edit.param_id; });
        if (param != params.end() && !(param->flags & kParamReadOnly)) {
            param_edited(device.id(), edit.param_id, edit.value);
        }
    }
}

void Sandbox::serve_editor_events() {
    try {
        editors_.serve_events([this](uint32_t id) -> Device* {
            auto found = devices_.find(id);
            return found == devices_.end() ? nullptr : found->second.get();
        });
    } catch (const std::exception& error) {
        log(0, LogSeverity::Error, std::string("editor: ") + error.what());
    }
}

void Sandbox::serve_watched_fds(const os::Poller& polled) {
    // The first two are the control socket and the wake-up descriptor; a handler may
    // change the watched list, so each ready one is looked up again.
    for (size_t i = 2; i < polled.size(); ++i) {
        if (!polled.ready(i)) {
            continue;
        }
        for (const auto& watched : std::vector<WatchedFd>(watched_fds_)) {
            if (watched.fd == polled.fd(i)) {
                auto found = devices_.find(watched.device);
                if (found != devices_.end()) {
                    found->second->on_fd_ready(watched.fd);
                }
            }
        }
    }
}

void Sandbox::fire_timers() {
    for (const auto& due : timers_.take_due()) {
        auto found = devices_.find(due.device);
        if (found != devices_.end()) {
            found->second->on_timer(due.timer_id);
        }
    }
}

} // namespace scuff::sbox
