#include "gain.hpp"

#include "../dsp/gain_state.hpp"
#include "../dsp/param_text.hpp"
#include "plugin_types.hpp"

#include <algorithm>
#include <cmath>

namespace scuff_test {

namespace {

const char* features[] = {CLAP_PLUGIN_FEATURE_AUDIO_EFFECT, CLAP_PLUGIN_FEATURE_STEREO, CLAP_PLUGIN_FEATURE_UTILITY,
                          nullptr};
constexpr clap_plugin_descriptor_t descriptor = describe("org.scuff.test.gain", "Test Gain", features);

} // namespace

const PluginType gain_type = {
    &descriptor,
    [](const clap_host_t*) { return (new Gain(&descriptor))->clap(); },
};

Gain::Gain(const clap_plugin_descriptor_t* descriptor)
    : Plugin(descriptor, {{"main", 2, true}}, {{"main", 2, true}}) {}

clap_process_status Gain::process(const clap_process_t& process) {
    render_between_events(process, [&](uint32_t start, uint32_t end) {
        copy_main(process, start, end, static_cast<float>(std::pow(10.0, gain_db_.load() / 20.0)));
    });
    return CLAP_PROCESS_CONTINUE;
}

const void* Gain::extension(const char* id) {
    if (std::strcmp(id, CLAP_EXT_PARAMS) == 0)
        return &params_ext;
    if (std::strcmp(id, CLAP_EXT_STATE) == 0)
        return &state_ext;
    if (std::strcmp(id, CLAP_EXT_LATENCY) == 0)
        return &latency_ext;
    return nullptr;
}

const clap_event_param_value_t* Gain::as_param_value(const clap_event_header_t& event) {
    if (event.space_id != CLAP_CORE_EVENT_SPACE_ID || event.type != CLAP_EVENT_PARAM_VALUE)
        return nullptr;
    return reinterpret_cast<const clap_event_param_value_t*>(&event);
}

void Gain::on_event(const clap_event_header_t& event) {
    const clap_event_param_value_t* change = as_param_value(event);
    if (change && change->param_id == gain_param && std::isfinite(change->value))
        gain_db_ = std::clamp(change->value, min_db, max_db);
}

bool Gain::param_info(uint32_t index, clap_param_info_t& info) {
    if (index != 0)
        return false;
    info.id = gain_param;
    info.flags = CLAP_PARAM_IS_AUTOMATABLE;
    std::snprintf(info.name, sizeof(info.name), "Gain");
    info.min_value = min_db;
    info.max_value = max_db;
    info.default_value = default_db;
    return true;
}

bool Gain::param_value(clap_id id, double& value) {
    if (id != gain_param)
        return false;
    value = gain_db_;
    return true;
}

bool Gain::param_to_text(clap_id id, double value, char* display, uint32_t size) {
    return id == gain_param && format_number(value, 2, " dB", display, size);
}

bool Gain::text_to_param(clap_id id, const char* display, double& value) {
    return id == gain_param && parse_number(display, "dB", value) && value >= min_db && value <= max_db;
}

bool Gain::save(const clap_ostream_t& stream) {
    const auto blob = scuff_dsp::encode_gain_state(gain_db_);
    return write_all(stream, blob.data(), blob.size());
}

bool Gain::load(const clap_istream_t& stream) {
    uint8_t blob[scuff_dsp::gain_state_size];
    double gain;
    if (!read_exactly(stream, blob, sizeof(blob)) || !scuff_dsp::decode_gain_state(blob, min_db, max_db, gain))
        return false;
    gain_db_ = gain;
    return true;
}

} // namespace scuff_test
