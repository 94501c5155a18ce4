#include "gain_dsp.hpp"

#include "../dsp/gain_state.hpp"
#include "audio_buffers.hpp"
#include "param_changes.hpp"
#include "stream.hpp"

#include <cmath>
#include <cstring>

namespace scuff_vst3 {

const ParamSpec GainDsp::spec = {
    param_id, "Gain", "dB", -60.0, 24.0, 0.0, 0, ParameterInfo::kCanAutomate, 2,
};

void GainDsp::set_normalized(ParamValue normalized) {
    if (std::isfinite(normalized))
        db_ = to_plain(spec, normalized);
}

void GainDsp::process(ProcessData& data) {
    render_between_changes(
        data,
        [this](ParamID id, ParamValue value) {
            if (id == param_id)
                set_normalized(value);
        },
        [&](int32 start, int32 end) {
            copy_main(data, start, end, static_cast<float>(std::pow(10.0, db_.load() / 20.0)));
        });
}

bool GainDsp::save(Steinberg::IBStream* stream) const {
    const auto blob = scuff_dsp::encode_gain_state(db_);
    return write_all(stream, blob.data(), blob.size());
}

bool GainDsp::read(Steinberg::IBStream* stream, double& db) {
    uint8_t blob[scuff_dsp::gain_state_size];
    return read_all(stream, blob, sizeof(blob)) && scuff_dsp::decode_gain_state(blob, spec.min, spec.max, db);
}

bool GainDsp::load(Steinberg::IBStream* stream) {
    double gain;
    if (!read(stream, gain))
        return false;
    db_ = gain;
    return true;
}

} // namespace scuff_vst3
