#pragma once

#include "params.hpp"

#include "pluginterfaces/base/ibstream.h"
#include "pluginterfaces/vst/ivstaudioprocessor.h"

#include <atomic>

namespace scuff_vst3 {

using Steinberg::Vst::ProcessData;

// The gain's parameter, state and audio, shared by the single-component gain, the separate-controller
// gain and faulty, which must all behave exactly like the CLAP gain.
class GainDsp {
public:
    static constexpr ParamID param_id = 0;
    static const ParamSpec spec;

    // Output = input * 10^(gain/20), the factor computed in double and applied in float; each change
    // of the Gain parameter takes effect at its sample offset.
    void process(ProcessData& data);

    // The state blob is the CLAP gain's: 16 bytes, little-endian, "SCGN", uint32 version 1, float64 dB.
    bool save(Steinberg::IBStream* stream) const;
    bool load(Steinberg::IBStream* stream);
    static bool read(Steinberg::IBStream* stream, double& db);

    double db() const { return db_; }
    ParamValue normalized() const { return to_normalized(spec, db_); }
    void set_normalized(ParamValue normalized);

private:
    // Written by the audio thread (parameter changes) and the main thread (state load).
    std::atomic<double> db_{0.0};
};

} // namespace scuff_vst3
