#include "gain_dsp.hpp"

#include "audio_buffers.hpp"
#include "param_changes.hpp"
#include "stream.hpp"

#include <cmath>
#include <cstring>

namespace scuff_vst3 {

namespace {

constexpr uint8_t state_magic[4] = {'S', 'C', 'G', 'N'};
constexpr uint32_t state_version = 1;
constexpr size_t state_size = 16;

void put_le(uint8_t* out, uint64_t value, int bytes) {
    for (int i = 0; i < bytes; ++i)
        out[i] = static_cast<uint8_t>(value >> (8 * i));
}

uint64_t get_le(const uint8_t* in, int bytes) {
    uint64_t value = 0;
    for (int i = 0; i < bytes; ++i)
        value |= static_cast<uint64_t>(in[i]) << (8 * i);
    return value;
}

} // namespace

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
    uint8_t blob[state_size];
    std::memcpy(blob, state_magic, sizeof(state_magic));
    put_le(blob + 4, state_version, 4);
    const double gain = db_;
    uint64_t bits;
    std::memcpy(&bits, &gain, sizeof(bits));
    put_le(blob + 8, bits, 8);
    return write_all(stream, blob, sizeof(blob));
}

bool GainDsp::read(Steinberg::IBStream* stream, double& db) {
    uint8_t blob[state_size];
    if (!read_all(stream, blob, sizeof(blob)))
        return false;
    if (std::memcmp(blob, state_magic, sizeof(state_magic)) != 0 || get_le(blob + 4, 4) != state_version)
        return false;
    const uint64_t bits = get_le(blob + 8, 8);
    double gain;
    std::memcpy(&gain, &bits, sizeof(gain));
    if (!std::isfinite(gain) || gain < spec.min || gain > spec.max)
        return false;
    db = gain;
    return true;
}

bool GainDsp::load(Steinberg::IBStream* stream) {
    double gain;
    if (!read(stream, gain))
        return false;
    db_ = gain;
    return true;
}

} // namespace scuff_vst3
