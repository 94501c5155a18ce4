#pragma once

#include "component.hpp"
#include "edit_controller.hpp"
#include "gain_dsp.hpp"

namespace scuff_vst3 {

// The single-component gain: stereo, one "Gain" parameter in dB, its value as the state. Faulty
// builds on it, so it must behave exactly like it until a fault is armed.
class Gain : public EditControllerOf<Component> {
public:
    Gain() : Gain(&GainDsp::spec, 1) {}

protected:
    // `specs` starts with the gain's.
    Gain(const ParamSpec* specs, int32 count) : EditControllerOf(specs, count, nullptr, main_bus(2), main_bus(2)) {}

    void process_block(ProcessData& data) override { dsp_.process(data); }

    bool save(IBStream* stream) override { return dsp_.save(stream); }

    bool load(IBStream* stream) override {
        if (!dsp_.load(stream))
            return false;
        set_value(GainDsp::param_id, dsp_.normalized());
        return true;
    }

    tresult PLUGIN_API setComponentState(IBStream* stream) override {
        double db;
        if (!GainDsp::read(stream, db))
            return kResultFalse;
        set_value(GainDsp::param_id, to_normalized(GainDsp::spec, db));
        return kResultOk;
    }

private:
    GainDsp dsp_;
};

} // namespace scuff_vst3
