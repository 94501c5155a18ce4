#pragma once
// One hosted CLAP plugin instance, its host-side extensions and its shared memory.
#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "clap/ext/audio-ports.h"
#include "clap/ext/latency.h"
#include "clap/ext/params.h"
#include "clap/ext/state.h"
#include "clap/ext/thread-check.h"
#include "clap/ext/timer-support.h"
#include "clap/host.h"
#include "clap/plugin.h"
#include "clap/process.h"
#include "scuff/clap_extras.hpp"
#include "scuff/clap_library.hpp"
#include "scuff/os/shared_memory.hpp"
#include "scuff/shared_layout.hpp"
#include "host_services.hpp"

namespace scuff::sbox {

struct PortDescription {
    uint32_t id;
    std::string name;
    uint32_t channels;
    bool is_main;
};

struct ParamDescription {
    uint32_t id;
    std::string name;
    std::string module;
    double min_value;
    double max_value;
    double default_value;
    uint32_t flags;
};

enum class Lifecycle {
    // init() succeeded; ports may still change; not active.
    Initialized,
    // activate() succeeded; the audio thread has not called start_processing yet.
    Active,
    // start_processing() succeeded on the audio thread.
    Processing,
    // The plugin asked for a restart: the audio thread stopped processing it and the main
    // thread is deactivating and reactivating it. A cycle that reaches it waits for that.
    Restarting,
};

class Device {
public:
    // Main thread. Creates and initialises the plugin; throws RequestError.
    Device(uint32_t id, std::shared_ptr<ClapLibrary> library, const std::string& plugin_id,
           HostServices& services);
    // Main thread. The audio thread must no longer process this device.
    ~Device();
    Device(const Device&) = delete;
    Device& operator=(const Device&) = delete;

    uint32_t id() const { return id_; }
    const clap_plugin_descriptor_t& descriptor() const { return *plugin_->desc; }
    Lifecycle lifecycle() const { return lifecycle_.load(); }

    // Main thread.
    const std::vector<PortDescription>& inputs() const { return inputs_; }
    const std::vector<PortDescription>& outputs() const { return outputs_; }
    std::vector<ParamDescription> params() const;
    uint32_t latency() const;
    double param_value(uint32_t param_id) const;
    std::vector<uint8_t> save_state() const;
    // Returns true when the values still have to reach the plugin through a flush
    // (plugins without the state extension, whose state is their parameter values).
    bool load_state(std::span<const uint8_t> data);
    // Maps the device's shared memory and activates the plugin.
    void attach_memory(os::SharedMemory memory, double sample_rate, uint32_t max_frames);
    // Applies queued parameter changes while the plugin is inactive.
    void flush_params_inactive();
    // Deactivates and reactivates the plugin after begin_restart(). Throws RequestError
    // when it fails to activate; it then stays inactive and gives silence.
    void finish_restart();
    void on_timer(uint32_t timer_id);
    // Acts on what the plugin asked for through its callbacks since the last call.
    struct Requests {
        bool params_changed = false;
        bool latency_changed = false;
        bool flush = false;
        bool restart = false;
        bool state_dirty = false;
        uint32_t non_finite_blocks = 0;
    };
    Requests take_requests();

    // Audio thread. The device's audio planes in shared memory (empty before its memory
    // is attached or for a port it does not have).
    std::span<float* const> input_planes(uint32_t port) const { return planes(input_planes_, port); }
    std::span<const float* const> output_planes(uint32_t port) const {
        auto found = planes(output_planes_, port);
        return {found.data(), found.size()};
    }
    void process(uint32_t frames);
    void flush_params_active();
    void stop_processing();
    // Stops processing for a restart; the main thread goes on with finish_restart().
    void begin_restart();

private:
    friend struct DeviceHost;

    static std::span<float* const> planes(const std::vector<std::vector<float*>>& ports, uint32_t port) {
        return port < ports.size() ? std::span<float* const>(ports[port]) : std::span<float* const>();
    }

    // Builds the clap_host_t whose callbacks lead back to this device (device_host.cpp).
    clap_host_t make_host();
    void activate();
    void query_ports();
    void wait_while_restarting();
    void flush_queued_params();
    void stage_param_state(std::span<const uint8_t> data);
    void build_buffers();
    uint32_t collect_param_changes(uint32_t frames);
    void silence_outputs(uint32_t frames);
    bool outputs_finite(uint32_t frames) const;

    uint32_t id_;
    std::shared_ptr<ClapLibrary> library_;
    HostServices& services_;
    clap_host_t host_{};
    const clap_plugin_t* plugin_ = nullptr;
    std::atomic<Lifecycle> lifecycle_{Lifecycle::Initialized};

    // The plugin's extensions, queried once after init.
    const clap_plugin_audio_ports_t* audio_ports_ = nullptr;
    const clap_plugin_params_t* params_ = nullptr;
    const clap_plugin_state_t* state_ = nullptr;
    const clap_plugin_latency_t* latency_ = nullptr;
    const clap_plugin_timer_support_t* timer_support_ = nullptr;

    std::vector<PortDescription> inputs_;
    std::vector<PortDescription> outputs_;

    os::SharedMemory memory_;
    std::unique_ptr<DeviceMemoryLayout> layout_;
    double sample_rate_ = 0.0;
    std::vector<std::vector<float*>> input_planes_;
    std::vector<std::vector<float*>> output_planes_;
    std::vector<clap_audio_buffer_t> input_buffers_;
    std::vector<clap_audio_buffer_t> output_buffers_;
    // Preallocated so the audio thread never allocates.
    std::vector<clap_event_param_value_t> param_events_;
    uint32_t param_event_count_ = 0;
    // Parameter values from a loaded parameter state, applied at the next flush.
    std::vector<clap_event_param_value_t> staged_params_;
    int64_t steady_time_ = 0;

    // Set by plugin callbacks from any thread; taken by the main loop.
    std::atomic<bool> wants_callback_{false};
    std::atomic<bool> wants_restart_{false};
    std::atomic<bool> wants_flush_{false};
    std::atomic<bool> params_changed_{false};
    std::atomic<bool> state_dirty_{false};
    // Blocks whose output held NaN or infinity and was silenced, since the main loop last looked.
    std::atomic<uint32_t> non_finite_blocks_{0};
    std::atomic<bool> latency_changed_{false};
};

} // namespace scuff::sbox
