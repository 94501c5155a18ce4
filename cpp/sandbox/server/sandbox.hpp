#pragma once
// The sandbox process: owns the control socket, the devices and the audio thread,
// and runs the main loop that answers the client and acts on plugin requests.
#include <chrono>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/audio_thread.hpp"
#include "core/device.hpp"
#include "core/host_services.hpp"
#include "scuff/frame_socket.hpp"
#include "scuff/os/poller.hpp"
#include "scuff/os/shared_memory.hpp"
#include "scuff/os/wake_event.hpp"
#include "scuff/protocol/client_message_generated.h"
#include "server/editor_windows.hpp"
#include "server/main_thread_timers.hpp"
#include "server/messages.hpp"
#include "server/plugin_modules.hpp"

namespace scuff::sbox {

struct SandboxOptions {
    int control_fd = -1;
    int signals_fd = -1;
    double sample_rate = 48000.0;
    uint32_t max_frames = 512;
};

class Sandbox final : public HostServices {
public:
    explicit Sandbox(const SandboxOptions& options);
    ~Sandbox() override;

    // Runs until the client closes the control socket. Returns the exit code.
    int run();

    // HostServices
    void wake_main_loop() override;
    void log(uint32_t device, LogSeverity severity, const std::string& message) override;
    bool register_timer(uint32_t device, uint32_t period_ms, uint32_t* timer_id) override;
    bool unregister_timer(uint32_t device, uint32_t timer_id) override;
    bool watch_fd(uint32_t device, int fd) override;
    void unwatch_fd(uint32_t device, int fd) override;
    void param_edited(uint32_t device, uint32_t param_id, double plain_value) override;
    bool editor_resize_requested(uint32_t device, uint32_t width, uint32_t height) override;
    void editor_closed(uint32_t device) override;

private:
    void handle_frame(const std::vector<uint8_t>& frame);
    void send(const Message& message);
    void service_devices();
    void send_queued_logs();
    void fire_timers();
    void serve_watched_fds(const os::Poller& polled);
    void serve_editor_events();
    // Tells the client of the parameters the plugin changed itself on its audio thread.
    void send_own_edits(Device& device, const std::vector<ParamChange>& edits);
    // Drops the timers and watched descriptors a device left behind.
    void forget_device(uint32_t device);

    // Request handlers (request_handlers.cpp); each returns its reply or throws RequestError.
    Message create_device(uint64_t id, const protocol::CreateDevice& request);
    Message attach_device_memory(uint64_t id, const protocol::AttachDeviceMemory& request);
    Message destroy_device(uint64_t id, const protocol::DestroyDevice& request);
    Message set_plan(uint64_t id, const protocol::SetPlan& request);
    Message flush_params(uint64_t id, const protocol::FlushParams& request);
    Message get_param_value(uint64_t id, const protocol::GetParamValue& request);
    Message save_state(uint64_t id, const protocol::SaveState& request);
    Message load_state(uint64_t id, const protocol::LoadState& request);
    Message describe_device(uint64_t id, const protocol::DescribeDevice& request);
    Message set_process_mode(uint64_t id, const protocol::SetProcessMode& request);
    Message param_to_text(uint64_t id, const protocol::ParamToText& request);
    Message param_from_text(uint64_t id, const protocol::ParamFromText& request);
    Message show_editor(uint64_t id, const protocol::ShowEditor& request);
    Message hide_editor(uint64_t id, const protocol::HideEditor& request);
    Message resize_editor(uint64_t id, const protocol::ResizeEditor& request);
    Message load_preset_from(uint64_t id, const protocol::LoadPresetFrom& request);
    Message list_presets(uint64_t id, const protocol::ListPresets& request);
    Message set_chunk_memory(uint64_t id, const protocol::SetChunkMemory& request);

    Device& device(uint32_t id);
    void flush(Device& device);
    void restart(Device& device);
    // Runs `work` on the audio thread; throws RequestError when it does not return in time.
    void on_audio_thread(std::function<void()> work);

    SandboxOptions options_;
    FrameSocket socket_;
    os::SharedMemory signals_memory_;
    SandboxControlBlock* control_;
    os::WakeEvent wake_;
    std::unique_ptr<AudioThread> audio_;
    std::map<uint32_t, std::unique_ptr<Device>> devices_;
    PluginModules modules_;
    // Every device, present and future, renders in this mode.
    bool offline_ = false;
    MainThreadTimers timers_;
    struct WatchedFd {
        uint32_t device;
        int fd;
    };
    std::vector<WatchedFd> watched_fds_;
    EditorWindows editors_{[this](uint32_t device, const EditorState& state) {
        send(editor_changed_message(device, state));
    }};

    std::mutex log_mutex_;
    std::deque<Message> queued_logs_;
};

} // namespace scuff::sbox
