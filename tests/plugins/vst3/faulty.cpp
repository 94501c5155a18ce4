#include "../dsp/faults.hpp"
#include "../dsp/misbehave.hpp"
#include "audio_buffers.hpp"
#include "class_ids.hpp"
#include "classes.hpp"
#include "gain.hpp"
#include "param_changes.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <iterator>
#include <limits>
#include <unistd.h>

namespace scuff_vst3 {

namespace {

using scuff_test::be_late;
using scuff_test::crash;
using scuff_test::hang;
using scuff_test::misbehave_in_process;

using namespace scuff_dsp;  // the Fault values and their names

constexpr ParamID fault_param = 1;
const ParamSpec specs[] = {
    GainDsp::spec,
    {fault_param, "Fault", "", 0.0, last_fault, 0.0, last_fault,
     ParameterInfo::kCanAutomate | ParameterInfo::kIsList, 0, fault_names},
};

// The gain plus a "Fault" parameter that arms one kind of misbehaviour when the processor receives it.
// The fault is not part of the state, so a crashed instance can be restored from its last saved state
// without re-arming it. Save is IComponent::getState, load is setState, and a flush is a process call
// with numSamples == 0, as VST3 hosts deliver parameter changes outside of audio.
class Faulty : public Gain {
public:
    Faulty() : Gain(specs, static_cast<int32>(std::size(specs))) {}

protected:
    void process_block(ProcessData& data) override {
        // A flush trips what an earlier call armed, before this one's changes are applied.
        if (data.numSamples == 0)
            trip(crash_in_flush, hang_in_flush);
        // Fault changes are taken before anything else, so the block that arms a process fault already trips it.
        apply_changes(data, [this](ParamID id, ParamValue value) {
            if (id != fault_param || !std::isfinite(value))
                return;
            fault_ = static_cast<int>(std::lround(to_plain(specs[1], value)));
            // Every change to it arms one late call, even one to the value it already has.
            if (fault_ == late_once_in_process)
                late_armed_ = true;
        });
        if (data.numSamples > 0) {
            misbehave_in_process(fault_.load());
            if (late_armed_.exchange(false))
                be_late();
        }
        Gain::process_block(data);
        if (fault_ == nan_in_process)
            for (int32 bus = 0; bus < data.numOutputs; ++bus)
                for (int32 c = 0; float* out = output(data, bus, c); ++c)
                    std::fill(out, out + data.numSamples, std::numeric_limits<float>::quiet_NaN());
    }

    bool save(IBStream* stream) override {
        trip(crash_in_save, hang_in_save);
        return Gain::save(stream);
    }

    bool load(IBStream* stream) override {
        trip(crash_in_load, hang_in_load);
        return Gain::load(stream);
    }

private:
    void trip(Fault crash_fault, Fault hang_fault) {
        if (fault_ == crash_fault)
            crash();
        if (fault_ == hang_fault)
            hang();
    }

    std::atomic<int> fault_{no_fault};
    std::atomic<bool> late_armed_{false};
};

} // namespace

const ClassEntry faulty_class = {faulty_cid, kVstAudioEffectClass, "Test Faulty", "Fx|Stereo", &create<Faulty>};

} // namespace scuff_vst3
