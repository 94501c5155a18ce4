#include "../dsp/refused.hpp"
#include "audio_buffers.hpp"
#include "class_ids.hpp"
#include "classes.hpp"
#include "component.hpp"
#include "edit_controller.hpp"

namespace scuff_vst3 {

namespace {

constexpr int32 counter_max = 1000000000;
constexpr int32 read_only = ParameterInfo::kIsReadOnly;

const ParamSpec specs[scuff_dsp::census_param_count] = {
    {scuff_dsp::created_param, "Created", "", 0.0, counter_max, 0.0, counter_max, read_only, 0},
    {scuff_dsp::destroyed_param, "Destroyed", "", 0.0, counter_max, 0.0, counter_max, read_only, 0},
};

// A stereo copy whose read-only parameters count the instances of the bundle's other classes:
// "Destroyed" goes up when the host has released every reference it had to one.
class CreationCensus : public EditControllerOf<Component> {
public:
    CreationCensus() : EditControllerOf(specs, scuff_dsp::census_param_count, nullptr, main_bus(2), main_bus(2)) {}

protected:
    void process_block(ProcessData& data) override { copy_main(data, 0, data.numSamples); }

    ParamValue live_value(ParamID id, ParamValue stored) override {
        return id < scuff_dsp::census_param_count ? to_normalized(specs[id], scuff_dsp::census_value(id)) : stored;
    }
};

} // namespace

const ClassEntry creation_census_class = {creation_census_cid, kVstAudioEffectClass, "Test Creation Census",
                                          "Fx|Stereo", &create<CreationCensus>};

} // namespace scuff_vst3
