#pragma once
// A hosted CLAP plugin instance and the host-side extensions it is offered.
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "clap/editor.hpp"
#include "clap/events.hpp"
#include "clap/preset_load.hpp"
#include "clap/ext/audio-ports.h"
#include "clap/ext/latency.h"
#include "clap/ext/note-ports.h"
#include "clap/ext/params.h"
#include "clap/ext/state.h"
#include "clap/ext/thread-check.h"
#include "clap/ext/timer-support.h"
#include "clap/host.h"
#include "clap/plugin.h"
#include "clap/process.h"
#include "core/device.hpp"
#include "scuff/clap_extras.hpp"
#include "scuff/clap_instance.hpp"
#include "scuff/clap_library.hpp"

namespace scuff::sbox {

class ClapDevice final : public Device {
public:
    // Main thread. Creates and initialises the plugin; throws RequestError.
    ClapDevice(uint32_t id, std::shared_ptr<ClapLibrary> library, const std::string& plugin_id,
               HostServices& services);
    ~ClapDevice() override;

    PluginIdentity identity() const override;
    std::vector<ParamDescription> params() const override;
    uint32_t latency() const override;
    double param_value(uint32_t param_id) override;
    std::optional<std::string> param_to_text(uint32_t param_id, double value) override;
    std::optional<double> param_from_text(uint32_t param_id, const std::string& text) override;
    std::vector<uint8_t> save_state() override;
    StateLoad load_state(std::span<const uint8_t> data) override;
    void on_timer(uint32_t timer_id) override;
    ModeChange set_offline(bool offline) override;
    bool has_editor() const override { return editor_->available(); }
    bool editor_embeddable() override { return editor_->embeddable(); }
    EditorSize open_editor(uint64_t parent, uint64_t transient_for, const std::string& title) override {
        return editor_->open(parent, transient_for, title);
    }
    void close_editor() override { editor_->close(); }
    bool editor_resizable() override { return editor_->resizable(); }
    EditorSize resize_editor(EditorSize wanted) override { return editor_->resize(wanted); }
    bool has_preset_load() const override { return preset_load_ != nullptr; }
    void load_preset(const PresetLocation& location) override;
    std::vector<ListedPreset> list_presets() override;

private:
    friend struct ClapDeviceHost;

    void activate_plugin(double sample_rate, uint32_t max_frames) override;
    void deactivate_plugin() override;
    bool start_plugin_processing() override;
    void stop_plugin_processing() override;
    bool process_plugin(uint32_t frames, std::span<const ParamChange> changes, std::span<const NoteEvent> events,
                        const TransportState* transport) override;
    void flush_plugin(std::span<const ParamChange> changes, bool active) override;
    void run_deferred_main_thread_work() override;
    // Main thread: the plugin closed its editor (clap.gui.closed).
    void editor_closed_by_plugin(bool was_destroyed);
    // Main thread: clap.preset-load.on_error and loaded.
    void preset_load_failed(int32_t os_error, const char* message);
    void preset_loaded();
    void planes_ready() override;

    // Builds the clap_host_t whose callbacks lead back to this device (clap/host.cpp).
    clap_host_t make_host();
    void query_ports();
    // Takes one event the plugin outputs: a parameter value for the client, or a note.
    static bool output_try_push(const clap_output_events_t* list, const clap_event_header_t* event);
    void stage_param_state(std::span<const uint8_t> data);

    std::shared_ptr<ClapLibrary> library_;
    clap_host_t host_{};
    // After the library and the host, so it is destroyed before them, and also when a creation
    // step after create_plugin throws.
    ClapInstance plugin_;

    // The plugin's extensions, queried once after init.
    const clap_plugin_audio_ports_t* audio_ports_ = nullptr;
    const clap_plugin_params_t* params_ = nullptr;
    const clap_plugin_state_t* state_ = nullptr;
    const clap_plugin_latency_t* latency_ = nullptr;
    const clap_plugin_timer_support_t* timer_support_ = nullptr;
    const clap_plugin_render_t* render_ = nullptr;
    const clap_plugin_preset_load_t* preset_load_ = nullptr;
    // Made last at creation, and destroyed first.
    std::optional<ClapEditor> editor_;
    std::vector<ClapNotePort> note_ports_;

    std::vector<clap_audio_buffer_t> input_buffers_;
    std::vector<clap_audio_buffer_t> output_buffers_;
    // Preallocated so the audio thread never allocates.
    ClapEventList in_events_;
    clap_output_events_t out_events_{this, output_try_push};
    clap_event_transport_t transport_{};
    // Parameter values from a loaded parameter state, applied at the next flush.
    std::vector<clap_event_param_value_t> staged_params_;
    int64_t steady_time_ = 0;

    std::atomic<bool> wants_callback_{false};
    // clap.gui.closed from another thread than the main one, for the main loop to act on.
    std::atomic<bool> gui_closed_{false};
    std::atomic<bool> gui_destroyed_{false};
    // Sorted, read once at creation: the audio thread looks meters up here without locks.
    std::vector<uint32_t> readonly_params_;

    // What the plugin reported through clap.preset-load during the from_location call under
    // way (main thread only, like the calls themselves).
    struct PresetLoadReport {
        bool under_way = false;
        std::optional<std::string> error;
    };
    PresetLoadReport preset_report_;
};

} // namespace scuff::sbox
