#include "../dsp/midi_effect.hpp"
#include "param_table.hpp"
#include "plugin_types.hpp"

namespace scuff_test {

namespace {

const char* features[] = {CLAP_PLUGIN_FEATURE_NOTE_EFFECT, CLAP_PLUGIN_FEATURE_UTILITY, nullptr};
constexpr clap_plugin_descriptor_t descriptor = describe("org.scuff.test.midi-effect", "Test MIDI Effect", features);

// The CLAP build of dsp/midi_effect.hpp: no audio. Its note input takes CLAP and MIDI events but
// prefers MIDI, so a host must convert for it; its note output gives CLAP note events, a MIDI note
// becoming one with note id -1 and velocity / 127.
class MidiEffect : public ParamTablePlugin<1> {
public:
    MidiEffect() : ParamTablePlugin(&descriptor, {}, {}) {
        set_note_ports({{"notes in", CLAP_NOTE_DIALECT_CLAP | CLAP_NOTE_DIALECT_MIDI, CLAP_NOTE_DIALECT_MIDI}},
                       {{"notes out", CLAP_NOTE_DIALECT_CLAP, CLAP_NOTE_DIALECT_CLAP}});
    }

protected:
    scuff_dsp::ParamValues<1>& values() override { return dsp_.params; }

    const void* extension(const char* id) override {
        if (std::strcmp(id, CLAP_EXT_NOTE_PORTS) == 0)
            return &note_ports_ext;
        return ParamTablePlugin::extension(id);
    }

    // Events arrive in time order and each goes out at once, so the output is in time order too.
    clap_process_status process(const clap_process_t& process) override {
        out_ = process.out_events;
        if (process.in_events)
            apply_events(*process.in_events);
        out_ = nullptr;
        return CLAP_PROCESS_CONTINUE;
    }

    void on_note(const clap_event_header_t& event) override {
        if (event.space_id != CLAP_CORE_EVENT_SPACE_ID)
            return;
        switch (event.type) {
        case CLAP_EVENT_NOTE_ON:
        case CLAP_EVENT_NOTE_OFF:
        case CLAP_EVENT_NOTE_CHOKE: {
            const auto& note = reinterpret_cast<const clap_event_note_t&>(event);
            send(event.time, event.type, note.note_id, note.channel, note.key, note.velocity);
            break;
        }
        case CLAP_EVENT_MIDI: {
            const uint8_t* data = reinterpret_cast<const clap_event_midi_t&>(event).data;
            const int status = data[0] & 0xF0;
            const int16_t channel = data[0] & 0x0F;
            const int16_t key = data[1] & 0x7F;
            const int velocity = data[2] & 0x7F;
            if (status == 0x90 && velocity > 0)
                send(event.time, CLAP_EVENT_NOTE_ON, -1, channel, key, velocity / 127.0);
            else if (status == 0x90 || status == 0x80)
                send(event.time, CLAP_EVENT_NOTE_OFF, -1, channel, key, velocity / 127.0);
            break;
        }
        default:
            break;
        }
    }

private:
    void send(uint32_t time, uint16_t type, int32_t note_id, int16_t channel, int16_t key, double velocity) {
        int transposed;
        if (!out_ || !dsp_.transpose(key, transposed))
            return;
        clap_event_note_t event{};
        event.header = {sizeof(event), time, CLAP_CORE_EVENT_SPACE_ID, type, 0};
        event.note_id = note_id;
        event.port_index = 0;
        event.channel = channel;
        event.key = static_cast<int16_t>(transposed);
        event.velocity = velocity;
        out_->try_push(out_, &event.header);
    }

    scuff_dsp::MidiEffect dsp_;
    // Only while process() runs: notes reaching flush() have nowhere to go.
    const clap_output_events_t* out_ = nullptr;
};

} // namespace

const PluginType midi_effect_type = {&descriptor, &create<MidiEffect>};

} // namespace scuff_test
