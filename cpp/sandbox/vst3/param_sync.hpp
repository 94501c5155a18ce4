#pragma once
// Keeps what a VST3 plugin's two halves and the host know of its parameters in step. The
// processor takes normalized changes in blocks on the audio thread; the controller lives on
// the main thread and alone converts exactly; the client speaks plain values. So:
// - a change the host sends reaches the processor in its block (through the table's
//   mapping) and the controller afterwards, on the main thread; the host keeps the plain value
//   it sent, exactly, until the plugin changes that parameter itself;
// - a value the processor changes itself goes to the client (plain) and to the controller;
// - an edit made in the controller (its editor's performEdit) goes to the client and, with
//   the next flush or block, to the processor;
// - what a flush delivered is sent again with the next block: some plugins read parameter
//   changes only in calls that process audio.
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "pluginterfaces/vst/ivsteditcontroller.h"
#include "scuff/shared_layout.hpp"
#include "vst3/param_changes.hpp"
#include "vst3/param_table.hpp"

namespace scuff::sbox {

class Vst3ParamSync {
public:
    // What the sync asks of the edit controller, on the main thread.
    class Controller {
    public:
        virtual ~Controller() = default;
        virtual void set_normalized(Steinberg::Vst::ParamID id, double normalized) = 0;
        virtual double to_plain(Steinberg::Vst::ParamID id, double normalized) = 0;
        virtual double to_normalized(Steinberg::Vst::ParamID id, double plain) = 0;
    };

    // A parameter's value in plain units.
    struct PlainValue {
        Steinberg::Vst::ParamID id;
        double value;
    };

    // `controller` is null for a plugin without one, whose table is empty. Both outlive the sync.
    Vst3ParamSync(const Vst3ParamTable& params, Controller* controller);

    // --- audio thread, or the main thread while the plugin is inactive ---
    // Fills `input` for a block or a flush: what the last flush delivered, the controller's
    // edits, then `changes` (plain, in time order).
    void gather(std::span<const ParamChange> changes, Vst3ParamChanges& input);
    // A value the processor takes from elsewhere than the host (a MIDI controller the plugin
    // maps to a parameter), at `offset` in the block: into `input`, and to the controller.
    void add_plugin_change(Steinberg::Vst::ParamID id, Steinberg::int32 offset, double normalized,
                           Vst3ParamChanges& input);
    // After a flush gathered `input`: its last value of each parameter goes again with the next block.
    void resend_with_next_block(Vst3ParamChanges& input);
    // After a block: what a flush delivered has reached the processor there.
    void block_sent() { resend_count_ = 0; }
    // What the processor output in a call: every point to the client through `out` (plain),
    // the last of each parameter to the controller.
    void deliver(Vst3ParamChanges& output, ParamRing& out);

    // --- any thread ---
    // The controller's performEdit. False when the value is not a number.
    bool controller_edited(Steinberg::Vst::ParamID id, double normalized);
    // The plugin changed its values in a way the host cannot follow (restartComponent with
    // kParamValuesChanged): what the host holds exactly is stale from the next sync.
    void plugin_values_changed() { values_stale_ = true; }

    // --- main thread ---
    // Brings the controller and the exact values up to date with what the audio thread passed on.
    void sync();
    // Syncs, then takes the controller's edits since the last call: nothing when there were
    // none, else the known parameters' new values, which the processor gets with the next
    // flush or block.
    std::optional<std::vector<PlainValue>> take_edits();
    // The plain value the host set last, when the plugin has not changed it since.
    std::optional<double> exact_value(Steinberg::Vst::ParamID id) const;
    // The exact values of the parameters the host may set, to save with a state.
    std::vector<std::pair<uint32_t, double>> values_to_save() const;
    // Before the plugin loads a state: the controller hears of the changes before it, and what
    // waits to be sent again is older than the state and is dropped.
    void begin_state_load();
    // After the plugin loaded a state: the exact values saved with it (those of this plugin's
    // parameters and within their ranges) to the controller, and to the processor with the
    // next flush or block.
    void apply_state_values(std::span<const std::pair<uint32_t, double>> values);

private:
    const Vst3ParamTable& params_;
    Controller* controller_;

    // Plain values the host set, exact, until the plugin changes the parameter itself; any
    // other value is asked of the controller, which VST3 lets tell only normalized values.
    std::map<Steinberg::Vst::ParamID, double> set_by_host_;
    std::atomic<bool> values_stale_{false};

    // Audio thread -> main thread: host changes the plugin received (plain), and values the
    // plugin changed itself (normalized), for the controller and the exact values.
    SharedRing<ParamChange, 1024> host_changes_;
    SharedRing<ParamChange, 1024> plugin_changes_;
    // Main thread -> audio thread: edits made in the controller, for the processor.
    SharedRing<ParamChange, 1024> controller_edits_;
    // Changes a flush delivered, sent again with the next block.
    std::vector<ParamChange> resend_;
    uint32_t resend_count_ = 0;
    // Set by a state load: what was waiting to be sent again is older than the state.
    std::atomic<bool> drop_resend_{false};

    // Edits from the controller, on whatever thread it made them; taken by the main thread.
    std::mutex edits_mutex_;
    std::vector<std::pair<Steinberg::Vst::ParamID, double>> edits_;
    bool edits_pending_ = false;
};

// The sync's view of a real edit controller.
class Vst3ControllerValues final : public Vst3ParamSync::Controller {
public:
    explicit Vst3ControllerValues(Steinberg::Vst::IEditController& controller) : controller_(controller) {}

    void set_normalized(Steinberg::Vst::ParamID id, double normalized) override {
        controller_.setParamNormalized(id, normalized);
    }
    double to_plain(Steinberg::Vst::ParamID id, double normalized) override {
        return controller_.normalizedParamToPlain(id, normalized);
    }
    double to_normalized(Steinberg::Vst::ParamID id, double plain) override {
        return controller_.plainParamToNormalized(id, plain);
    }

private:
    Steinberg::Vst::IEditController& controller_;
};

} // namespace scuff::sbox
