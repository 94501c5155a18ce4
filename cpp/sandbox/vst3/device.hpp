#pragma once
// A hosted VST3 plugin instance: its component and audio processor, its edit controller (the
// component itself, or a separate class connected to it), and the parts that serve them: the
// bus negotiation (buses.hpp), the parameter sync (param_sync.hpp), the translation of notes
// and transport (note_events.hpp, process_context.hpp), the editor (editor.hpp) and the run
// loop (run_loop.hpp).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/device.hpp"
#include "core/thread_rules.hpp"
#include "pluginterfaces/vst/ivstaudioprocessor.h"
#include "pluginterfaces/vst/ivstprocesscontext.h"
#include "scuff/vst3_classes.hpp"
#include "scuff/vst3_com.hpp"
#include "scuff/vst3_module.hpp"
#include "scuff/vst3_plugin_instance.hpp"
#include "vst3/editor.hpp"
#include "vst3/event_list.hpp"
#include "vst3/host.hpp"
#include "vst3/note_events.hpp"
#include "vst3/param_changes.hpp"
#include "vst3/param_sync.hpp"
#include "vst3/param_table.hpp"
#include "vst3/run_loop.hpp"

namespace scuff::sbox {

class Vst3Device final : public Device, private Vst3HostEvents {
public:
    // Main thread. Creates, initialises and connects the plugin, and settles its buses; throws
    // RequestError. An empty `class_id` means the module's first audio class.
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
    void on_timer(uint32_t timer_id) override { run_loop_.on_timer(timer_id); }
    void on_fd_ready(int fd) override { run_loop_.on_fd_ready(fd); }
    // The controller takes the values the flush gave the processor.
    void on_params_flushed() override { sync_->sync(); }
    ModeChange set_offline(bool offline) override;
    bool has_editor() const override { return editor_->available(); }
    bool editor_embeddable() override { return editor_->available(); }
    EditorSize open_editor(uint64_t parent, uint64_t, const std::string&) override { return editor_->open(parent); }
    void close_editor() override { editor_->close(); }
    bool editor_resizable() override { return editor_->resizable(); }
    EditorSize resize_editor(EditorSize wanted) override { return editor_->resize(wanted); }

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
    bool on_main_thread(const char* call) override { return on_main_thread_or_report(services_, id(), call); }
    void begin_edit(Steinberg::Vst::ParamID) override {}
    void perform_edit(Steinberg::Vst::ParamID id, Steinberg::Vst::ParamValue normalized) override;
    void end_edit(Steinberg::Vst::ParamID) override {}
    void restart_component(Steinberg::int32 flags) override;
    void set_dirty() override { raise(state_dirty_); }
    bool register_timer(Steinberg::Linux::ITimerHandler* handler, Steinberg::uint64 milliseconds) override {
        return run_loop_.register_timer(handler, milliseconds);
    }
    bool unregister_timer(Steinberg::Linux::ITimerHandler* handler) override {
        return run_loop_.unregister_timer(handler);
    }
    bool register_fd(Steinberg::Linux::IEventHandler* handler, int fd) override {
        return run_loop_.register_fd(handler, fd);
    }
    bool unregister_fd(Steinberg::Linux::IEventHandler* handler) override { return run_loop_.unregister_fd(handler); }
    bool resize_view(Steinberg::IPlugView* view, Steinberg::ViewRect* size) override;

    // Creation steps, in order; each throws RequestError.
    void find_class(const std::string& class_id);
    void create_instance();
    void settle_buses();
    void read_params();
    void size_process_lists();
    // Takes the plugin down in reverse while the rest of the device still stands: the plugin
    // may call its host while it terminates.
    void release_plugin();

    Steinberg::Vst::IComponent& component() const { return instance_->component(); }
    // Null for a plugin without one.
    Steinberg::Vst::IEditController* controller() const { return instance_->controller(); }
    bool run_process(uint32_t frames);

    std::shared_ptr<Vst3Module> module_;
    Vst3RunLoop run_loop_;
    // The plugin's host context and callbacks; the plugin may keep it past the device.
    Vst3HostRef host_;
    vst3::ClassInfo class_info_;
    std::string factory_vendor_;
    std::unique_ptr<Vst3PluginInstance> instance_;
    vst3::Owned<Steinberg::Vst::IAudioProcessor> processor_;
    // Built once at creation: the audio thread reads them without locks.
    Vst3ParamTable params_;
    std::optional<Vst3ControllerValues> controller_values_;
    std::optional<Vst3ParamSync> sync_;
    std::optional<Vst3NoteEvents> note_events_;
    std::optional<Vst3Editor> editor_;

    // Preallocated for the process calls.
    std::vector<Steinberg::Vst::AudioBusBuffers> input_buses_;
    std::vector<Steinberg::Vst::AudioBusBuffers> output_buses_;
    Vst3ParamChanges input_changes_;
    Vst3ParamChanges output_changes_;
    Vst3EventList input_events_;
    Vst3EventList output_events_;
    Steinberg::Vst::ProcessContext context_{};
    bool offline_ = false;
    double sample_rate_ = 0.0;
    int64_t steady_time_ = 0;
};

} // namespace scuff::sbox
