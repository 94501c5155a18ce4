#pragma once
// A hosted VST3 plugin instance: its component and audio processor, its edit controller
// (the component itself, or a separate class connected to it), and what the host keeps
// of its parameters.
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/device.hpp"
#include "pluginterfaces/gui/iplugview.h"
#include "pluginterfaces/vst/ivstaudioprocessor.h"
#include "pluginterfaces/vst/ivstcomponent.h"
#include "pluginterfaces/vst/ivsteditcontroller.h"
#include "pluginterfaces/vst/ivstmessage.h"
#include "pluginterfaces/vst/ivstprocesscontext.h"
#include "scuff/vst3_classes.hpp"
#include "scuff/vst3_module.hpp"
#include "vst3/event_list.hpp"
#include "vst3/host.hpp"
#include "vst3/param_changes.hpp"
#include "vst3/param_mapping.hpp"

namespace scuff::sbox {

class Vst3Device final : public Device, private Vst3HostEvents {
public:
    // Main thread. Creates, initialises and connects the plugin, and settles its buses for
    // `max_frames` at `sample_rate`; throws RequestError. An empty `class_id` means the
    // module's first audio class.
    Vst3Device(uint32_t id, std::shared_ptr<Vst3Module> module, const std::string& class_id,
               HostServices& services);
    ~Vst3Device() override;

    PluginIdentity identity() const override;
    std::vector<ParamDescription> params() const override;
    uint32_t latency() const override;
    double param_value(uint32_t param_id) override;
    std::optional<std::string> param_to_text(uint32_t param_id, double value) override;
    std::optional<double> param_from_text(uint32_t param_id, const std::string& text) override;
    std::vector<uint8_t> save_state() override;
    StateLoad load_state(std::span<const uint8_t> data) override;
    void on_timer(uint32_t timer_id) override;
    void on_fd_ready(int fd) override;
    // The controller takes the values the flush gave the processor.
    void on_params_flushed() override { sync_controller(); }
    ModeChange set_offline(bool offline) override;
    bool has_editor() const override { return has_editor_; }
    bool editor_embeddable() override { return has_editor_; }
    EditorSize open_editor(uint64_t parent, uint64_t transient_for, const std::string& title) override;
    void close_editor() override;
    bool editor_resizable() override;
    EditorSize resize_editor(EditorSize wanted) override;

private:
    // --- Device ---
    void activate_plugin(double sample_rate, uint32_t max_frames) override;
    void deactivate_plugin() override;
    bool start_plugin_processing() override;
    void stop_plugin_processing() override;
    bool process_plugin(uint32_t frames, std::span<const ParamChange> changes, std::span<const NoteEvent> events,
                        const TransportState* transport) override;
    void flush_plugin(std::span<const ParamChange> changes, bool active) override;
    void run_deferred_main_thread_work() override;
    void planes_ready() override;

    // --- Vst3HostEvents: the plugin's calls to its host ---
    void begin_edit(Steinberg::Vst::ParamID) override {}
    void perform_edit(Steinberg::Vst::ParamID id, Steinberg::Vst::ParamValue normalized) override;
    void end_edit(Steinberg::Vst::ParamID) override {}
    void restart_component(Steinberg::int32 flags) override;
    void set_dirty() override { raise(state_dirty_); }
    bool register_timer(Steinberg::Linux::ITimerHandler* handler, Steinberg::uint64 milliseconds) override;
    bool unregister_timer(Steinberg::Linux::ITimerHandler* handler) override;
    bool register_fd(Steinberg::Linux::IEventHandler* handler, int fd) override;
    bool unregister_fd(Steinberg::Linux::IEventHandler* handler) override;
    bool resize_view(Steinberg::IPlugView* view, Steinberg::ViewRect* size) override;

    // Creation steps, in order; each throws RequestError.
    void find_class(const std::string& class_id);
    void create_component();
    void create_controller();
    void settle_buses();
    void read_params();
    void read_midi_mapping();
    // Whether the controller makes an editor that embeds in an X11 window; the view is
    // released unattached, before the plugin builds anything.
    void probe_editor();
    // Undoes whatever creation did, in reverse.
    void release_plugin();

    void read_ports();
    const Vst3ParamMapping& mapping(Steinberg::Vst::ParamID id) const;
    // Fills input_changes_ from what the block (or flush) carries; audio thread.
    void gather_input_changes(std::span<const ParamChange> changes);
    void deliver_output_changes();
    void gather_input_events(std::span<const NoteEvent> events);
    // A MIDI controller message as the parameter change IMidiMapping assigns it.
    void add_controller_change(const NoteEvent& event, Steinberg::Vst::CtrlNumber controller, double value);
    void deliver_output_events();
    void set_context(const TransportState& transport);
    bool run_process(uint32_t frames);
    // Main thread: brings the controller and the cached values up to date with the changes
    // the audio thread has passed on.
    void sync_controller();

    std::shared_ptr<Vst3Module> module_;
    vst3::ClassInfo class_info_;
    std::string factory_vendor_;
    Vst3Host* host_;
    Steinberg::Vst::IComponent* component_ = nullptr;
    bool component_initialized_ = false;
    Steinberg::Vst::IAudioProcessor* processor_ = nullptr;
    Steinberg::Vst::IEditController* controller_ = nullptr;
    // Whether the controller is an object of its own, initialised and connected separately.
    bool separate_controller_ = false;
    Steinberg::Vst::IConnectionPoint* component_connection_ = nullptr;
    Steinberg::Vst::IConnectionPoint* controller_connection_ = nullptr;
    bool has_editor_ = false;
    // The editor's view while it is open (attached to a window), else null.
    Steinberg::IPlugView* view_ = nullptr;

    struct Param {
        ParamDescription description;
        Vst3ParamMapping mapping;
        Steinberg::int32 step_count;
    };
    // By id, built once at creation: the audio thread reads it without locks.
    std::map<Steinberg::Vst::ParamID, Param> params_;
    // Plain values the host set, exact, until the plugin changes the parameter itself; any
    // other value is asked of the controller, which VST3 lets tell only normalized values.
    std::map<Steinberg::Vst::ParamID, double> set_by_host_;
    std::atomic<bool> values_stale_{false};

    std::vector<Steinberg::Vst::AudioBusBuffers> input_buses_;
    std::vector<Steinberg::Vst::AudioBusBuffers> output_buses_;
    Vst3ParamChanges input_changes_;
    Vst3ParamChanges output_changes_;
    Vst3EventList input_events_;
    Vst3EventList output_events_;
    // For each event bus, MIDI channel and controller (CC 0-127, aftertouch, pitch bend),
    // the parameter IMidiMapping assigns it, or kNoParam; read once at creation.
    static constexpr Steinberg::Vst::ParamID kNoParam = 0xFFFFFFFF;
    std::vector<Steinberg::Vst::ParamID> midi_map_;
    Steinberg::Vst::ProcessContext context_{};
    bool offline_ = false;
    double sample_rate_ = 0.0;
    int64_t steady_time_ = 0;

    // Audio thread -> main thread: host changes the plugin received (plain), and values the
    // plugin changed itself (normalized), for the controller and the cached values.
    SharedRing<ParamChange, 1024> host_changes_;
    SharedRing<ParamChange, 1024> plugin_changes_;
    // Main thread -> audio thread: edits made in the controller, for the processor.
    SharedRing<ParamChange, 1024> controller_edits_;
    // Changes a flush delivered, sent again with the next block: some plugins read
    // parameter changes only in calls that process audio.
    std::vector<ParamChange> resend_;
    uint32_t resend_count_ = 0;
    // Set by a state load: what was waiting to be sent again is older than the state.
    std::atomic<bool> drop_resend_{false};

    // Edits from the controller, on whatever thread it made them; taken by the main thread.
    std::mutex edits_mutex_;
    std::vector<std::pair<Steinberg::Vst::ParamID, double>> edits_;
    std::atomic<bool> edits_pending_{false};

    struct Timer {
        uint32_t id;
        Steinberg::Linux::ITimerHandler* handler;
    };
    std::vector<Timer> timers_;
    struct WatchedFd {
        int fd;
        Steinberg::Linux::IEventHandler* handler;
    };
    std::vector<WatchedFd> fds_;
};

} // namespace scuff::sbox
