#include "plugin_types.hpp"

#include "clap/ext/note-ports.h"

#include <cmath>

namespace scuff_test {

namespace {

const char* features[] = {CLAP_PLUGIN_FEATURE_INSTRUMENT, CLAP_PLUGIN_FEATURE_SYNTHESIZER, CLAP_PLUGIN_FEATURE_STEREO,
                          nullptr};
constexpr clap_plugin_descriptor_t descriptor = describe("org.scuff.test.instrument", "Test Instrument", features);

constexpr double two_pi = 6.283185307179586;

const clap_plugin_note_ports_t note_ports_ext = {
    [](const clap_plugin_t*, bool is_input) -> uint32_t { return is_input ? 1 : 0; },
    [](const clap_plugin_t*, uint32_t index, bool is_input, clap_note_port_info_t* info) {
        if (!is_input || index != 0)
            return false;
        *info = clap_note_port_info_t{};
        info->id = 0;
        info->supported_dialects = CLAP_NOTE_DIALECT_CLAP;
        info->preferred_dialect = CLAP_NOTE_DIALECT_CLAP;
        std::snprintf(info->name, sizeof(info->name), "notes");
        return true;
    },
};

// A single sine voice: the most recent note on sounds until its note off, so the output is predictable.
class Instrument : public Plugin {
public:
    Instrument() : Plugin(&descriptor, {}, {{"main", 2, true}}) {}

protected:
    bool activate() override {
        reset();
        return true;
    }

    void reset() override {
        key_ = -1;
        amplitude_ = 0.0;
        phase_ = 0.0;
    }

    void on_event(const clap_event_header_t& event) override {
        if (event.space_id != CLAP_CORE_EVENT_SPACE_ID)
            return;
        const auto& note = reinterpret_cast<const clap_event_note_t&>(event);
        switch (event.type) {
        case CLAP_EVENT_NOTE_ON:
            key_ = note.key;
            amplitude_ = note.velocity * 0.25;
            phase_ = 0.0;
            increment_ = two_pi * 440.0 * std::pow(2.0, (note.key - 69) / 12.0) / sample_rate_;
            break;
        case CLAP_EVENT_NOTE_OFF:
        case CLAP_EVENT_NOTE_CHOKE:
            // Key -1 is CLAP's wildcard.
            if (note.key == -1 || note.key == key_)
                reset();
            break;
        default:
            break;
        }
    }

    clap_process_status process(const clap_process_t& process) override {
        render_between_events(process, [&](uint32_t start, uint32_t end) {
            for (uint32_t i = start; i < end; ++i) {
                const float sample = key_ < 0 ? 0.0f : static_cast<float>(amplitude_ * std::sin(phase_));
                phase_ = std::fmod(phase_ + increment_, two_pi);
                for (uint32_t c = 0; float* out = output(process, 0, c); ++c)
                    out[i] = sample;
            }
        });
        return CLAP_PROCESS_CONTINUE;
    }

    const void* extension(const char* id) override {
        return std::strcmp(id, CLAP_EXT_NOTE_PORTS) == 0 ? &note_ports_ext : nullptr;
    }

private:
    int key_ = -1;
    double amplitude_ = 0.0;
    double phase_ = 0.0;
    double increment_ = 0.0;
};

} // namespace

const PluginType instrument_type = {&descriptor, &create<Instrument>};

} // namespace scuff_test
