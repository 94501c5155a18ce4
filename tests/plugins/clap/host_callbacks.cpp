#include "host_callbacks.hpp"

#include "../dsp/latency_state.hpp"

#include "../dsp/param_text.hpp"
#include "stream_io.hpp"

#include "clap/ext/audio-ports.h"
#include "clap/ext/latency.h"
#include "clap/ext/params.h"
#include "clap/ext/state.h"
#include "clap/ext/thread-check.h"
#include "clap/ext/timer-support.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

namespace scuff_test {

namespace {

// clap.log is missing from the CLAP 1.1.1 headers; declared here from the CLAP specification, same layout.
constexpr char ext_log[] = "clap.log";
constexpr int32_t log_info = 1; // CLAP_LOG_INFO
struct clap_host_log_t {
    // [thread-safe]
    void(CLAP_ABI* log)(const clap_host_t* host, int32_t severity, const char* msg);
};

const char* features[] = {CLAP_PLUGIN_FEATURE_AUDIO_EFFECT, CLAP_PLUGIN_FEATURE_STEREO, CLAP_PLUGIN_FEATURE_DELAY,
                          nullptr};
constexpr clap_plugin_descriptor_t descriptor =
    describe("org.scuff.test.host-callbacks", "Test Host Callbacks", features);

enum ParamId : clap_id {
    // Stepped, 0..4096: the latency (and delay) adopted at the next activate; a change asks for a restart.
    latency_param,
    // Stepped, 0..1: 1 asks for a main-thread callback, which logs "pong", resets Ping to 0, rescans the values
    // and requests a flush.
    ping_param,
    // Read-only counters.
    timer_ticks_param,
    thread_violations_param,     // calls where the host's thread-check contradicts the method's thread rule
    lifecycle_violations_param,  // calls the plugin's activation or processing state forbids
    requested_flushes_param,     // params.flush calls that answered an outstanding host->request_flush
    dirty_marks_param,           // state.mark_dirty calls (one per batch of parameter changes)
    missing_extensions_param,    // host extensions (or their functions) the host did not provide
    param_count,
};

struct ParamSpec {
    const char* name;
    double max;
    uint32_t flags;
};

constexpr double counter_max = 1e9;
constexpr uint32_t max_latency = 4096;
constexpr uint32_t timer_period_ms = 10;
constexpr uint32_t channels = 2;

constexpr ParamSpec param_specs[param_count] = {
    {"Latency", max_latency, CLAP_PARAM_IS_STEPPED | CLAP_PARAM_IS_AUTOMATABLE},
    {"Ping", 1.0, CLAP_PARAM_IS_STEPPED | CLAP_PARAM_IS_AUTOMATABLE},
    {"Timer ticks", counter_max, CLAP_PARAM_IS_READONLY},
    {"Thread violations", counter_max, CLAP_PARAM_IS_READONLY},
    {"Lifecycle violations", counter_max, CLAP_PARAM_IS_READONLY},
    {"Requested flushes", counter_max, CLAP_PARAM_IS_READONLY},
    {"Dirty marks", counter_max, CLAP_PARAM_IS_READONLY},
    {"Missing host extensions", counter_max, CLAP_PARAM_IS_READONLY},
};

// Uses every host extension scuff offers and checks, in every call, that the host keeps CLAP's thread and
// lifecycle rules. Stereo; delays its audio by exactly the latency it adopted at its last activate.
class HostCallbacks {
public:
    explicit HostCallbacks(const clap_host_t* host) : host_(host) {
        clap_.desc = &descriptor;
        clap_.plugin_data = this;
        clap_.init = [](const clap_plugin_t* p) { return self(p).init(); };
        clap_.destroy = [](const clap_plugin_t* p) { self(p).destroy(); };
        clap_.activate = [](const clap_plugin_t* p, double, uint32_t, uint32_t) { return self(p).activate(); };
        clap_.deactivate = [](const clap_plugin_t* p) { self(p).deactivate(); };
        clap_.start_processing = [](const clap_plugin_t* p) { return self(p).start_processing(); };
        clap_.stop_processing = [](const clap_plugin_t* p) { self(p).stop_processing(); };
        clap_.reset = [](const clap_plugin_t* p) { self(p).reset(); };
        clap_.process = [](const clap_plugin_t* p, const clap_process_t* process) {
            return self(p).process(*process);
        };
        clap_.get_extension = [](const clap_plugin_t*, const char* id) { return extension(id); };
        clap_.on_main_thread = [](const clap_plugin_t* p) { self(p).on_main_thread(); };
        // Allocated here so activate() and process() never allocate.
        for (auto& line : lines_)
            line.assign(max_latency, 0.0f);
    }
    HostCallbacks(const HostCallbacks&) = delete;
    HostCallbacks& operator=(const HostCallbacks&) = delete;

    const clap_plugin_t* clap() const { return &clap_; }

private:
    static HostCallbacks& self(const clap_plugin_t* plugin) {
        return *static_cast<HostCallbacks*>(plugin->plugin_data);
    }

    // --- thread and lifecycle rules ---

    // scuff's main and audio threads are distinct, so each answer is checked both ways: a host answering
    // "yes" to everything would not pass.
    void expect_main_thread() {
        if (thread_check_ && (!thread_check_->is_main_thread(host_) || thread_check_->is_audio_thread(host_)))
            ++thread_violations_;
    }
    void expect_audio_thread() {
        if (thread_check_ && (!thread_check_->is_audio_thread(host_) || thread_check_->is_main_thread(host_)))
            ++thread_violations_;
    }
    void expect(bool rule) {
        if (!rule)
            ++lifecycle_violations_;
    }

    // --- clap_plugin ---

    bool init() {
        auto query = [this](const char* id) { return host_->get_extension(host_, id); };
        log_ = static_cast<const clap_host_log_t*>(query(ext_log));
        thread_check_ = static_cast<const clap_host_thread_check_t*>(query(CLAP_EXT_THREAD_CHECK));
        params_host_ = static_cast<const clap_host_params_t*>(query(CLAP_EXT_PARAMS));
        state_host_ = static_cast<const clap_host_state_t*>(query(CLAP_EXT_STATE));
        latency_host_ = static_cast<const clap_host_latency_t*>(query(CLAP_EXT_LATENCY));
        audio_ports_host_ = static_cast<const clap_host_audio_ports_t*>(query(CLAP_EXT_AUDIO_PORTS));
        timer_host_ = static_cast<const clap_host_timer_support_t*>(query(CLAP_EXT_TIMER_SUPPORT));
        // An extension with a missing function is as good as missing, and is not used.
        auto keep = [this](auto*& extension, bool complete) {
            if (!extension || !complete) {
                extension = nullptr;
                ++missing_extensions_;
            }
        };
        keep(log_, log_ && log_->log);
        keep(thread_check_, thread_check_ && thread_check_->is_main_thread && thread_check_->is_audio_thread);
        keep(params_host_, params_host_ && params_host_->rescan && params_host_->clear && params_host_->request_flush);
        keep(state_host_, state_host_ && state_host_->mark_dirty);
        keep(latency_host_, latency_host_ && latency_host_->changed);
        keep(audio_ports_host_,
             audio_ports_host_ && audio_ports_host_->is_rescan_flag_supported && audio_ports_host_->rescan);
        keep(timer_host_, timer_host_ && timer_host_->register_timer && timer_host_->unregister_timer);
        if (!host_->request_restart || !host_->request_process || !host_->request_callback)
            ++missing_extensions_;

        expect_main_thread();
        // The ports never change, so the answer does not matter; asking is part of the host's contract.
        if (audio_ports_host_)
            audio_ports_host_->is_rescan_flag_supported(host_, CLAP_AUDIO_PORTS_RESCAN_NAMES);
        if (timer_host_ && !timer_host_->register_timer(host_, timer_period_ms, &timer_id_))
            timer_id_ = CLAP_INVALID_ID;
        return true;
    }

    void destroy() {
        expect_main_thread();
        expect(!active_);
        if (timer_host_ && timer_id_ != CLAP_INVALID_ID)
            timer_host_->unregister_timer(host_, timer_id_);
        delete this;
    }

    bool activate() {
        expect_main_thread();
        expect(!active_);
        delay_ = latency_param_.load();
        clear_lines();
        if (delay_ != reported_latency_) {
            reported_latency_ = delay_;
            if (latency_host_)
                latency_host_->changed(host_);
        }
        active_ = true;
        return true;
    }

    void deactivate() {
        expect_main_thread();
        expect(active_ && !processing_);
        active_ = false;
    }

    bool start_processing() {
        expect_audio_thread();
        expect(active_ && !processing_);
        processing_ = true;
        return true;
    }

    void stop_processing() {
        expect_audio_thread();
        expect(active_ && processing_);
        processing_ = false;
    }

    void reset() {
        expect_audio_thread();
        expect(active_);
        clear_lines();
    }

    clap_process_status process(const clap_process_t& process) {
        expect_audio_thread();
        expect(active_ && processing_);
        if (process.in_events)
            apply_events(*process.in_events, true);
        for (uint32_t c = 0; c < channels; ++c) {
            const float* in = channel(process.audio_inputs, process.audio_inputs_count, c);
            float* out = channel(process.audio_outputs, process.audio_outputs_count, c);
            auto& line = lines_[c];
            uint32_t position = position_;
            for (uint32_t i = 0; i < process.frames_count; ++i) {
                const float sample = in ? in[i] : 0.0f;
                float delayed = sample;
                if (delay_ > 0) {
                    // Read before writing: the host may process in place.
                    delayed = line[position];
                    line[position] = sample;
                    position = position + 1 == delay_ ? 0 : position + 1;
                }
                if (out)
                    out[i] = delayed;
            }
        }
        if (delay_ > 0)
            position_ = static_cast<uint32_t>((position_ + uint64_t{process.frames_count}) % delay_);
        for (uint32_t i = 0; i < process.audio_outputs_count; ++i)
            process.audio_outputs[i].constant_mask = 0;
        return CLAP_PROCESS_CONTINUE;
    }

    void on_main_thread() {
        expect_main_thread();
        if (dirty_pending_.exchange(false))
            mark_dirty();
        if (ping_pending_.exchange(false)) {
            if (log_)
                log_->log(host_, log_info, "pong");
            // The ping is answered: Ping goes back to 0 on the plugin's side, so the host must re-read values.
            ping_value_ = 0.0;
            if (params_host_) {
                params_host_->rescan(host_, CLAP_PARAM_RESCAN_VALUES);
                // Ping is not modulatable: there is nothing to clear, but the host must take the call.
                params_host_->clear(host_, ping_param, CLAP_PARAM_CLEAR_MODULATIONS);
                flush_requested_ = true;
                params_host_->request_flush(host_);
            }
        }
    }

    static const void* extension(const char* id) {
        if (std::strcmp(id, CLAP_EXT_AUDIO_PORTS) == 0)
            return &audio_ports_ext;
        if (std::strcmp(id, CLAP_EXT_PARAMS) == 0)
            return &params_ext;
        if (std::strcmp(id, CLAP_EXT_STATE) == 0)
            return &state_ext;
        if (std::strcmp(id, CLAP_EXT_LATENCY) == 0)
            return &latency_ext;
        if (std::strcmp(id, CLAP_EXT_TIMER_SUPPORT) == 0)
            return &timer_ext;
        return nullptr;
    }

    // --- parameters ---

    // `audio_thread`: the events come from process() or an active flush, where the host's main-thread-only
    // callbacks may not be called; those wait for on_main_thread.
    void apply_events(const clap_input_events_t& in, bool audio_thread) {
        for (uint32_t i = 0, n = in.size(&in); i < n; ++i) {
            const clap_event_header_t* header = in.get(&in, i);
            if (!header || header->space_id != CLAP_CORE_EVENT_SPACE_ID || header->type != CLAP_EVENT_PARAM_VALUE)
                continue;
            const auto& event = *reinterpret_cast<const clap_event_param_value_t*>(header);
            if (!std::isfinite(event.value))
                continue;
            if (event.param_id == latency_param) {
                const auto latency =
                    static_cast<uint32_t>(std::clamp(std::lround(event.value), 0L, static_cast<long>(max_latency)));
                if (latency_param_.exchange(latency) != latency) {
                    changed(audio_thread);
                    // Inactive, the value is simply adopted at the next activate.
                    if (active_ && latency != delay_)
                        host_->request_restart(host_);
                }
            } else if (event.param_id == ping_param) {
                ping_value_ = std::clamp(event.value, 0.0, 1.0);
                changed(audio_thread);
                if (event.value >= 0.5) {
                    ping_pending_ = true;
                    host_->request_callback(host_);
                }
            }
        }
    }

    void changed(bool audio_thread) {
        if (!audio_thread) {
            mark_dirty();
            return;
        }
        dirty_pending_ = true;
        host_->request_callback(host_);
    }

    void mark_dirty() {
        if (state_host_) {
            state_host_->mark_dirty(host_);
            ++dirty_marks_;
        }
    }

    bool param_info(uint32_t index, clap_param_info_t& info) {
        expect_main_thread();
        if (index >= param_count)
            return false;
        const ParamSpec& spec = param_specs[index];
        info.id = index;
        info.flags = spec.flags;
        std::snprintf(info.name, sizeof(info.name), "%s", spec.name);
        info.min_value = 0.0;
        info.max_value = spec.max;
        info.default_value = 0.0;
        return true;
    }

    bool param_value(clap_id id, double& value) {
        expect_main_thread();
        switch (id) {
        case latency_param: value = latency_param_; return true;
        case ping_param: value = ping_value_; return true;
        case timer_ticks_param: value = static_cast<double>(timer_ticks_); return true;
        case thread_violations_param: value = static_cast<double>(thread_violations_); return true;
        case lifecycle_violations_param: value = static_cast<double>(lifecycle_violations_); return true;
        case requested_flushes_param: value = static_cast<double>(requested_flushes_); return true;
        case dirty_marks_param: value = static_cast<double>(dirty_marks_); return true;
        case missing_extensions_param: value = static_cast<double>(missing_extensions_); return true;
        default: return false;
        }
    }

    bool param_to_text(clap_id id, double value, char* display, uint32_t size) {
        expect_main_thread();
        return id < param_count && format_number(value, 0, "", display, size);
    }

    bool text_to_param(clap_id id, const char* display, double& value) {
        expect_main_thread();
        return id < param_count && parse_number(display, "", value) && value >= 0.0 && value <= param_specs[id].max;
    }

    void flush(const clap_input_events_t* in) {
        if (active_)
            expect_audio_thread();
        else
            expect_main_thread();
        if (flush_requested_.exchange(false))
            ++requested_flushes_;
        if (in)
            apply_events(*in, active_);
    }

    // --- state: the Latency parameter ---

    bool save(const clap_ostream_t& stream) {
        expect_main_thread();
        const auto blob = scuff_dsp::encode_latency_state(latency_param_);
        return write_all(stream, blob.data(), blob.size());
    }

    bool load(const clap_istream_t& stream) {
        expect_main_thread();
        uint8_t blob[scuff_dsp::latency_state_size];
        uint32_t latency;
        if (!read_exactly(stream, blob, sizeof(blob)) || !scuff_dsp::decode_latency_state(blob, max_latency, latency))
            return false;
        latency_param_ = latency;
        if (active_ && latency != delay_)
            host_->request_restart(host_);
        return true;
    }

    // --- latency, audio ports, timer ---

    uint32_t latency() {
        expect_main_thread();
        return reported_latency_;
    }

    uint32_t port_count(bool) {
        expect_main_thread();
        return 1;
    }

    bool port_info(uint32_t index, bool is_input, clap_audio_port_info_t& info) {
        expect_main_thread();
        if (index != 0)
            return false;
        info.id = 0;
        std::snprintf(info.name, sizeof(info.name), "%s", is_input ? "in" : "out");
        info.flags = CLAP_AUDIO_PORT_IS_MAIN;
        info.channel_count = channels;
        info.port_type = CLAP_PORT_STEREO;
        info.in_place_pair = CLAP_INVALID_ID;
        return true;
    }

    void on_timer(clap_id id) {
        expect_main_thread();
        if (id == timer_id_)
            ++timer_ticks_;
    }

    // --- audio ---

    static const float* channel(const clap_audio_buffer_t* buffers, uint32_t count, uint32_t c) {
        if (count == 0 || !buffers[0].data32 || c >= buffers[0].channel_count)
            return nullptr;
        return buffers[0].data32[c];
    }
    static float* channel(clap_audio_buffer_t* buffers, uint32_t count, uint32_t c) {
        if (count == 0 || !buffers[0].data32 || c >= buffers[0].channel_count)
            return nullptr;
        return buffers[0].data32[c];
    }

    void clear_lines() {
        for (auto& line : lines_)
            std::fill(line.begin(), line.end(), 0.0f);
        position_ = 0;
    }

    static const clap_plugin_audio_ports_t audio_ports_ext;
    static const clap_plugin_params_t params_ext;
    static const clap_plugin_state_t state_ext;
    static const clap_plugin_latency_t latency_ext;
    static const clap_plugin_timer_support_t timer_ext;

    clap_plugin_t clap_{};
    const clap_host_t* const host_;
    const clap_host_log_t* log_ = nullptr;
    const clap_host_thread_check_t* thread_check_ = nullptr;
    const clap_host_params_t* params_host_ = nullptr;
    const clap_host_state_t* state_host_ = nullptr;
    const clap_host_latency_t* latency_host_ = nullptr;
    const clap_host_audio_ports_t* audio_ports_host_ = nullptr;
    const clap_host_timer_support_t* timer_host_ = nullptr;
    clap_id timer_id_ = CLAP_INVALID_ID;

    // Written on the audio thread (events) or the main thread (inactive flush, state load).
    std::atomic<uint32_t> latency_param_{0};
    std::atomic<double> ping_value_{0.0};
    // Set while activating (main thread, not processing), read by process().
    uint32_t delay_ = 0;
    uint32_t reported_latency_ = 0;
    std::atomic<bool> active_{false};
    std::atomic<bool> processing_{false};

    std::atomic<bool> ping_pending_{false};
    std::atomic<bool> dirty_pending_{false};
    std::atomic<bool> flush_requested_{false};

    std::atomic<uint64_t> timer_ticks_{0};
    std::atomic<uint64_t> thread_violations_{0};
    std::atomic<uint64_t> lifecycle_violations_{0};
    std::atomic<uint64_t> requested_flushes_{0};
    std::atomic<uint64_t> dirty_marks_{0};
    uint64_t missing_extensions_ = 0;

    std::array<std::vector<float>, channels> lines_;
    uint32_t position_ = 0;
};

const clap_plugin_audio_ports_t HostCallbacks::audio_ports_ext = {
    [](const clap_plugin_t* p, bool is_input) { return self(p).port_count(is_input); },
    [](const clap_plugin_t* p, uint32_t index, bool is_input, clap_audio_port_info_t* info) {
        *info = clap_audio_port_info_t{};
        return self(p).port_info(index, is_input, *info);
    },
};

const clap_plugin_params_t HostCallbacks::params_ext = {
    [](const clap_plugin_t* p) {
        self(p).expect_main_thread();
        return static_cast<uint32_t>(param_count);
    },
    [](const clap_plugin_t* p, uint32_t index, clap_param_info_t* info) {
        *info = clap_param_info_t{};
        return self(p).param_info(index, *info);
    },
    [](const clap_plugin_t* p, clap_id id, double* value) { return self(p).param_value(id, *value); },
    [](const clap_plugin_t* p, clap_id id, double value, char* display, uint32_t size) {
        return size > 0 && self(p).param_to_text(id, value, display, size);
    },
    [](const clap_plugin_t* p, clap_id id, const char* display, double* value) {
        return self(p).text_to_param(id, display, *value);
    },
    [](const clap_plugin_t* p, const clap_input_events_t* in, const clap_output_events_t*) { self(p).flush(in); },
};

const clap_plugin_state_t HostCallbacks::state_ext = {
    [](const clap_plugin_t* p, const clap_ostream_t* stream) { return self(p).save(*stream); },
    [](const clap_plugin_t* p, const clap_istream_t* stream) { return self(p).load(*stream); },
};

const clap_plugin_latency_t HostCallbacks::latency_ext = {
    [](const clap_plugin_t* p) { return self(p).latency(); },
};

const clap_plugin_timer_support_t HostCallbacks::timer_ext = {
    [](const clap_plugin_t* p, clap_id id) { self(p).on_timer(id); },
};

} // namespace

const clap_plugin_t* create_host_callbacks(const clap_host_t* host) {
    if (!host || !host->get_extension || !clap_version_is_compatible(host->clap_version))
        return nullptr;
    return (new HostCallbacks(host))->clap();
}

const PluginType host_callbacks_type = {&descriptor, &create_host_callbacks};

} // namespace scuff_test
