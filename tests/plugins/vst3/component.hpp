#pragma once

#include "com.hpp"

#include "pluginterfaces/vst/ivstaudioprocessor.h"
#include "pluginterfaces/vst/ivstcomponent.h"
#include <vector>

namespace scuff_vst3 {

using Steinberg::Vst::IAudioProcessor;
using Steinberg::Vst::IComponent;
using Steinberg::Vst::ParamID;
using Steinberg::Vst::ParamValue;
using Steinberg::Vst::ProcessData;

struct Bus {
    const char* name;
    int32 channels;
    Steinberg::Vst::BusType type;
};

// The test plugins' usual bus: one main bus of `channels` channels.
inline std::vector<Bus> main_bus(int32 channels) {
    return {{"main", channels, Steinberg::Vst::kMain}};
}

// One main event bus of 16 MIDI channels.
inline std::vector<Bus> event_bus(const char* name) {
    return {{name, 16, Steinberg::Vst::kMain}};
}

// The audio side every test plugin shares: IComponent and IAudioProcessor over fixed audio buses and
// event buses.
// Plugins override the virtuals below to spell out only the behaviour a test relies on.
class Component : public IComponent, public IAudioProcessor {
public:
    // `controller_cid` names a separate controller class, or is null for a single component.
    Component(const TUID controller_cid, std::vector<Bus> inputs, std::vector<Bus> outputs,
              std::vector<Bus> event_inputs = {}, std::vector<Bus> event_outputs = {});
    Component(const Component&) = delete;
    Component& operator=(const Component&) = delete;

    // IPluginBase. A single component is also its own controller, so a host may initialise and
    // terminate it twice; only the first initialize and the last terminate act.
    tresult PLUGIN_API initialize(FUnknown* context) override;
    tresult PLUGIN_API terminate() override;

    // IComponent
    tresult PLUGIN_API getControllerClassId(TUID class_id) override;
    tresult PLUGIN_API setIoMode(Steinberg::Vst::IoMode) override { return kResultOk; }
    int32 PLUGIN_API getBusCount(Steinberg::Vst::MediaType type, Steinberg::Vst::BusDirection dir) override;
    tresult PLUGIN_API getBusInfo(Steinberg::Vst::MediaType type, Steinberg::Vst::BusDirection dir, int32 index,
                                  Steinberg::Vst::BusInfo& bus) override;
    tresult PLUGIN_API getRoutingInfo(Steinberg::Vst::RoutingInfo&, Steinberg::Vst::RoutingInfo&) override {
        return kNotImplemented;
    }
    tresult PLUGIN_API activateBus(Steinberg::Vst::MediaType type, Steinberg::Vst::BusDirection dir, int32 index,
                                   TBool state) override;
    tresult PLUGIN_API setActive(TBool state) override;
    tresult PLUGIN_API setState(IBStream* state) override;
    tresult PLUGIN_API getState(IBStream* state) override;

    // IAudioProcessor
    tresult PLUGIN_API setBusArrangements(Steinberg::Vst::SpeakerArrangement* inputs, int32 input_count,
                                          Steinberg::Vst::SpeakerArrangement* outputs, int32 output_count) override;
    tresult PLUGIN_API getBusArrangement(Steinberg::Vst::BusDirection dir, int32 index,
                                         Steinberg::Vst::SpeakerArrangement& arrangement) override;
    tresult PLUGIN_API canProcessSampleSize(int32 size) override;
    uint32 PLUGIN_API getLatencySamples() override { return latency(); }
    tresult PLUGIN_API setupProcessing(Steinberg::Vst::ProcessSetup& setup) override;
    tresult PLUGIN_API setProcessing(TBool state) override;
    tresult PLUGIN_API process(ProcessData& data) override;
    uint32 PLUGIN_API getTailSamples() override { return 0; }

protected:
    // FUnknown, IPluginBase, IComponent, IAudioProcessor; derived classes add theirs in front.
    void* interface(const TUID iid);

    // Called on the first initialize; false fails it.
    virtual bool on_initialize(FUnknown* /*context*/) { return true; }
    // Called on the last terminate.
    virtual void on_terminate() {}
    virtual void on_active(bool /*active*/) {}
    // setProcessing(true) after (false) is how a host asks for a reset.
    virtual void on_processing(bool /*processing*/) {}
    // numSamples may be 0: the host only delivers parameter changes, and no audio may be touched.
    virtual void process_block(ProcessData& data) = 0;
    // The component state; by default empty.
    virtual bool save(IBStream*) { return true; }
    virtual bool load(IBStream*) { return true; }
    virtual uint32 latency() { return 0; }

    bool initialized() const { return initialize_count_ > 0; }
    bool active() const { return active_; }
    double sample_rate() const { return setup_.sampleRate; }

private:
    const std::vector<Bus>& buses(Steinberg::Vst::MediaType type, Steinberg::Vst::BusDirection dir) const {
        if (type == Steinberg::Vst::kEvent)
            return dir == Steinberg::Vst::kInput ? event_inputs_ : event_outputs_;
        return dir == Steinberg::Vst::kInput ? inputs_ : outputs_;
    }
    std::vector<bool>* active_flags(Steinberg::Vst::MediaType type, Steinberg::Vst::BusDirection dir);

    TUID controller_cid_{};
    const bool has_controller_;
    const std::vector<Bus> inputs_;
    const std::vector<Bus> outputs_;
    const std::vector<Bus> event_inputs_;
    const std::vector<Bus> event_outputs_;
    std::vector<bool> input_active_;
    std::vector<bool> output_active_;
    std::vector<bool> event_input_active_;
    std::vector<bool> event_output_active_;
    int initialize_count_ = 0;
    bool active_ = false;
    Steinberg::Vst::ProcessSetup setup_{};
};

} // namespace scuff_vst3
