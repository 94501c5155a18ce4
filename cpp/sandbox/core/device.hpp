#pragma once
// One hosted plugin instance, whatever its format: its ports, its shared memory and the
// audio-thread work every format shares (parameter rings, restarts, the NaN guard).
// CLAP and VST3 each implement the few calls that differ (clap/device.hpp, vst3/device.hpp).
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/device_description.hpp"
#include "core/host_services.hpp"
#include "scuff/os/shared_memory.hpp"
#include "scuff/shared_layout.hpp"

namespace scuff::sbox {

// What the audio thread hands every device in a cycle besides its frame count.
struct CycleContext {
    const TransportState* transport = nullptr;
    // The client asked to stop every sounding note at this cycle's first frame.
    bool panic = false;
};

enum class Lifecycle {
    // Created and initialised; ports may still change; not active.
    Initialized,
    // Activated; the audio thread has not started processing it yet.
    Active,
    // The audio thread started processing it.
    Processing,
    // The plugin asked for a restart: the audio thread stopped processing it and the main
    // thread is deactivating and reactivating it. A cycle that reaches it waits for that.
    Restarting,
};

// What a state load leaves to do.
enum class StateLoad {
    // The plugin holds the state.
    Done,
    // The state's values still have to reach the plugin through a parameter flush.
    NeedsFlush,
};

// How a device takes a new process mode (offline or real time).
enum class ModeChange {
    // The plugin renders in the new mode from its next block.
    Done,
    // The plugin takes the mode only when it is activated again: the device must restart.
    NeedsRestart,
};

// Where a preset in the plugin's own format lives (CLAP preset-load's locations).
struct PresetLocation {
    enum class Kind {
        // A file; `path` is where the sandbox sees it.
        File,
        // Built into the plugin; there is no path.
        Plugin,
    };
    Kind kind = Kind::File;
    std::optional<std::string> path;
    // Which preset of a location holding several (or of the plugin's own); none when one.
    std::optional<std::string> load_key;
};

// A preset the plugin's preset discovery lists, and where to load it from.
struct ListedPreset {
    std::string name;
    PresetLocation location;
};

class Device {
public:
    Device(uint32_t id, HostServices& services);
    // Derived classes deactivate and destroy the plugin; the audio thread must no longer
    // process the device.
    virtual ~Device() = default;
    Device(const Device&) = delete;
    Device& operator=(const Device&) = delete;

    uint32_t id() const { return id_; }
    Lifecycle lifecycle() const { return lifecycle_.load(); }

    // Main thread.
    virtual PluginIdentity identity() const = 0;
    const std::vector<PortDescription>& inputs() const { return inputs_; }
    const std::vector<PortDescription>& outputs() const { return outputs_; }
    // Note ports (CLAP) or event buses (VST3): where the events of the device's rings and of
    // the sandbox's note connections arrive, and where the plugin's own events leave.
    uint32_t note_inputs() const { return note_inputs_; }
    uint32_t note_outputs() const { return note_outputs_; }
    virtual std::vector<ParamDescription> params() const = 0;
    virtual uint32_t latency() const = 0;
    virtual double param_value(uint32_t param_id) = 0;
    // The plugin's own text for a plain value, and the plain value it reads in a text;
    // nothing when it cannot say. Throw RequestError(NoSuchParam) for an unknown id.
    virtual std::optional<std::string> param_to_text(uint32_t param_id, double value) = 0;
    virtual std::optional<double> param_from_text(uint32_t param_id, const std::string& text) = 0;
    virtual std::vector<uint8_t> save_state() = 0;
    virtual StateLoad load_state(std::span<const uint8_t> data) = 0;
    // Maps the device's shared memory and activates the plugin.
    void attach_memory(os::SharedMemory memory, double sample_rate, uint32_t max_frames);
    // Applies queued parameter changes while the plugin is inactive.
    void flush_params_inactive();
    // Main thread, after the queued parameter changes reached the plugin: what the format keeps
    // of them on the main thread (a VST3 controller) catches up.
    virtual void on_params_flushed() {}
    // Deactivates and reactivates the plugin after begin_restart(). Throws RequestError
    // when it fails to activate; it then stays inactive and gives silence.
    void finish_restart();
    virtual void on_timer(uint32_t timer_id) = 0;
    virtual void on_fd_ready(int) {}
    // Renders offline (as fast as it likes, never real time) or not.
    virtual ModeChange set_offline(bool offline) = 0;

    // --- presets in the plugin's own format (main thread) ---
    virtual bool has_preset_load() const { return false; }
    // Has the plugin load one. Throws RequestError: NoPresetLoad when the plugin cannot,
    // PresetLoadFailed with the plugin's reason when it fails.
    virtual void load_preset(const PresetLocation& location);
    // What the plugin's preset discovery lists for it (none when it has no discovery).
    virtual std::vector<ListedPreset> list_presets() { return {}; }

    // --- the editor (main thread); each call that reaches the plugin throws RequestError ---
    // The plugin has an X11 editor.
    virtual bool has_editor() const = 0;
    // The plugin can live inside a window of the sandbox's (else it floats a window of its own).
    virtual bool editor_embeddable() = 0;
    // Creates the editor inside the X11 window `parent` and shows it, or, with `parent` 0,
    // in a floating window of the plugin's, transient for `transient_for` and titled `title`.
    virtual EditorSize open_editor(uint64_t parent, uint64_t transient_for, const std::string& title) = 0;
    virtual void close_editor() = 0;
    virtual bool editor_resizable() = 0;
    // Asks the editor for a size: returns the one it took, the closest its constraints allow.
    virtual EditorSize resize_editor(EditorSize wanted) = 0;

    // What the plugin asked for through its callbacks since the last call.
    struct Requests {
        bool params_changed = false;
        bool latency_changed = false;
        bool flush = false;
        bool restart = false;
        // The restarts asked for up to this request; pass it to restart_finished().
        uint64_t restart_ticket = 0;
        bool state_dirty = false;
        uint32_t non_finite_blocks = 0;
        // Parameters the plugin changed itself on its audio thread (a CLAP editor's gestures).
        std::vector<ParamChange> edits;
    };
    Requests take_requests();
    // Main thread: the restarts asked for up to `ticket` are done (or were not needed).
    void restart_finished(uint64_t ticket) { finished_restarts_.store(ticket, std::memory_order_release); }
    // Audio thread: a restart the plugin asked for is not done yet.
    bool restart_outstanding() const {
        return finished_restarts_.load(std::memory_order_acquire) != requested_restarts_.load(std::memory_order_acquire);
    }

    // Audio thread. The device's audio planes in shared memory (empty before its memory
    // is attached or for a port it does not have).
    std::span<float* const> input_planes(uint32_t port) const { return planes(input_planes_, port); }
    std::span<const float* const> output_planes(uint32_t port) const {
        auto found = planes(output_planes_, port);
        return {found.data(), found.size()};
    }
    void process(uint32_t frames, const CycleContext& context);
    // Events from a connection inside the sandbox, for this device's next process call:
    // those of `events` on `source_port`, delivered to note input `target_port`.
    void receive_events(std::span<const NoteEvent> events, uint16_t source_port, uint16_t target_port);
    // Events of a chunk's block (core/chunk_area.hpp) for the next process call, after those
    // of the ring; they stay in shared memory, so each is checked as it is taken. Empty: none.
    void give_events(std::span<const NoteEvent> events) { given_ = events; }
    // What the device output in its last process call.
    std::span<const NoteEvent> output_events() const { return {out_events_.data(), out_count_}; }
    void flush_params_active();
    void stop_processing();
    // Stops processing for a restart; the main thread goes on with finish_restart().
    void begin_restart();

protected:
    // --- what each format implements ---
    // Main thread. Throws RequestError.
    virtual void activate_plugin(double sample_rate, uint32_t max_frames) = 0;
    virtual void deactivate_plugin() = 0;
    // Audio thread.
    virtual bool start_plugin_processing() = 0;
    virtual void stop_plugin_processing() = 0;
    // Processes one block with the parameter changes of the ring and the note events, each
    // in time order with frames within the block, under the cycle's transport (null: none).
    // Output events go to emit(). Returns false when the plugin reports an error.
    virtual bool process_plugin(uint32_t frames, std::span<const ParamChange> changes,
                                std::span<const NoteEvent> events, const TransportState* transport) = 0;
    // Applies changes outside a block: on the audio thread when `active`, else on the main thread.
    virtual void flush_plugin(std::span<const ParamChange> changes, bool active) = 0;
    // Main thread, from take_requests: the work the plugin's callbacks on other threads left
    // for the main thread (a CLAP plugin's request_callback, a VST3 controller's edits).
    virtual void run_deferred_main_thread_work() {}
    // After attach_memory laid out the planes: build the format's buffer descriptions.
    virtual void planes_ready() = 0;

    // Main thread, while creating the device: refuses a plugin that declares more parameters
    // than a sandbox hosts (kMaxParams). Throws RequestError.
    static void check_param_count(int64_t declared);

    // Audio thread: an event the plugin output, on one of its note outputs.
    void emit(const NoteEvent& event);
    // The thread that runs the plugin's process or flush (one at a time): the plugin changed a
    // parameter itself; the main loop tells the client.
    void record_own_edit(uint32_t param_id, double plain_value);

    // Sets a request flag and wakes the main loop; safe from any thread.
    void raise(std::atomic<bool>& flag);
    // The plugin asks to be deactivated and activated again; safe from any thread.
    void request_restart();
    ParamRing& params_out() { return DeviceMemoryLayout::header(memory_.data())->params_out; }
    bool has_memory() const { return memory_.data() != nullptr; }
    // Audio thread: for a format that must start processing outside process().
    void set_lifecycle(Lifecycle lifecycle) { lifecycle_ = lifecycle; }
    const std::vector<std::vector<float*>>& input_plane_table() const { return input_planes_; }
    const std::vector<std::vector<float*>>& output_plane_table() const { return output_planes_; }

    HostServices& services_;
    std::vector<PortDescription> inputs_;
    std::vector<PortDescription> outputs_;
    uint32_t note_inputs_ = 0;
    uint32_t note_outputs_ = 0;

    // Set by plugin callbacks from any thread; taken by the main loop.
    std::atomic<bool> wants_restart_{false};
    // Counted apart from the flag, so the audio thread knows a restart is on its way from
    // the moment it is asked for until the main thread has done it.
    std::atomic<uint64_t> requested_restarts_{0};
    std::atomic<uint64_t> finished_restarts_{0};
    std::atomic<bool> wants_flush_{false};
    std::atomic<bool> params_changed_{false};
    std::atomic<bool> state_dirty_{false};
    std::atomic<bool> latency_changed_{false};

private:
    static std::span<float* const> planes(const std::vector<std::vector<float*>>& ports, uint32_t port) {
        return port < ports.size() ? std::span<float* const>(ports[port]) : std::span<float* const>();
    }
    void activate();
    void wait_while_restarting();
    std::span<const ParamChange> collect_param_changes(uint32_t frames);
    std::span<const NoteEvent> collect_events(uint32_t frames, bool panic);
    void track_sounding(const NoteEvent& event);
    void silence_outputs(uint32_t frames);
    bool outputs_finite(uint32_t frames) const;
    ProcessStats& stats() { return DeviceMemoryLayout::header(memory_.data())->stats; }
    void take_stats_reset();
    void record_process_time(uint64_t ns, uint32_t frames);

    uint32_t id_;
    std::atomic<Lifecycle> lifecycle_{Lifecycle::Initialized};
    os::SharedMemory memory_;
    std::unique_ptr<DeviceMemoryLayout> layout_;
    double sample_rate_ = 0.0;
    std::vector<std::vector<float*>> input_planes_;
    std::vector<std::vector<float*>> output_planes_;
    // Preallocated so the audio thread never allocates.
    std::vector<ParamChange> changes_;
    std::vector<NoteEvent> events_;
    std::vector<NoteEvent> routed_;
    uint32_t routed_count_ = 0;
    std::span<const NoteEvent> given_;
    std::vector<NoteEvent> out_events_;
    uint32_t out_count_ = 0;
    // Notes this device was sent and not yet sent the end of, for a panic.
    struct SoundingNote {
        uint16_t port;
        uint8_t channel;
        int16_t key;
        int32_t note_id;
    };
    std::vector<SoundingNote> sounding_;
    uint32_t sounding_count_ = 0;
    // Edits from the audio thread for the main loop: a single-producer, single-consumer
    // ring, preallocated; edits beyond its capacity between two main-loop turns keep
    // only the values already queued (the plugin's own state still has the latest).
    static constexpr uint32_t kEditCapacity = 256;
    std::vector<ParamChange> edits_ = std::vector<ParamChange>(kEditCapacity);
    std::atomic<uint32_t> edits_written_{0};
    std::atomic<uint32_t> edits_read_{0};
    // The last statistics reset carried out, and whether process calls are timed at all
    // (SCUFF_PROCESS_STATS=0 turns it off, for the benchmark that measures its cost).
    uint64_t stats_reset_seen_ = 0;
    bool timing_ = true;
    // Blocks whose output held NaN or infinity and was silenced, since the main loop last looked.
    std::atomic<uint32_t> non_finite_blocks_{0};
};

} // namespace scuff::sbox
