#include "../dsp/instrument.hpp"
#include "param_table.hpp"
#include "plugin_types.hpp"

namespace scuff_test {

namespace {

const char* features[] = {CLAP_PLUGIN_FEATURE_INSTRUMENT, CLAP_PLUGIN_FEATURE_SYNTHESIZER, CLAP_PLUGIN_FEATURE_STEREO,
                          nullptr};
constexpr clap_plugin_descriptor_t descriptor = describe("org.scuff.test.instrument", "Test Instrument", features);

// The CLAP build of dsp/instrument.hpp: one note port taking CLAP and MIDI events (CLAP preferred), one
// stereo output. A MIDI controller or pitch bend that moves a parameter is reported to the host as an
// output parameter event at its frame.
class Instrument : public ParamTablePlugin<2> {
public:
    Instrument() : ParamTablePlugin(&descriptor, {}, {{"main", 2, true}}) {
        set_note_ports({{"notes", CLAP_NOTE_DIALECT_CLAP | CLAP_NOTE_DIALECT_MIDI, CLAP_NOTE_DIALECT_CLAP}}, {});
    }

protected:
    scuff_dsp::ParamValues<2>& values() override { return dsp_.params; }

    bool activate() override {
        dsp_.activate(sample_rate_);
        return true;
    }

    void reset() override { dsp_.stop_all(); }

    const void* extension(const char* id) override {
        if (std::strcmp(id, CLAP_EXT_NOTE_PORTS) == 0)
            return &note_ports_ext;
        return ParamTablePlugin::extension(id);
    }

    void set_param(clap_id id, double value) override { dsp_.set_param(id, value); }

    void on_note(const clap_event_header_t& event) override {
        if (event.space_id != CLAP_CORE_EVENT_SPACE_ID)
            return;
        const auto& note = reinterpret_cast<const clap_event_note_t&>(event);
        switch (event.type) {
        case CLAP_EVENT_NOTE_ON:
            dsp_.note_on(note.channel, note.key, note.note_id, note.velocity);
            break;
        case CLAP_EVENT_NOTE_OFF:
        case CLAP_EVENT_NOTE_CHOKE:
            dsp_.note_off(note.channel, note.key, note.note_id);
            break;
        case CLAP_EVENT_MIDI: {
            const int changed = dsp_.midi(reinterpret_cast<const clap_event_midi_t&>(event).data);
            if (changed >= 0)
                report(event.time, static_cast<clap_id>(changed));
            break;
        }
        default:
            break;
        }
    }

    clap_process_status process(const clap_process_t& process) override {
        out_ = process.out_events;
        render_between_events(process, [&](uint32_t start, uint32_t end) {
            float* outputs[2] = {output(process, 0, 0), output(process, 0, 1)};
            dsp_.render(outputs, 2, start, end);
        });
        out_ = nullptr;
        return CLAP_PROCESS_CONTINUE;
    }

private:
    void report(uint32_t time, clap_id id) {
        if (!out_)
            return;
        clap_event_param_value_t event{};
        event.header = {sizeof(event), time, CLAP_CORE_EVENT_SPACE_ID, CLAP_EVENT_PARAM_VALUE, 0};
        event.param_id = id;
        event.note_id = -1;
        event.port_index = -1;
        event.channel = -1;
        event.key = -1;
        event.value = dsp_.params.get(id);
        out_->try_push(out_, &event.header);
    }

    scuff_dsp::Instrument dsp_;
    // Only while process() runs: MIDI reaching flush() moves parameters the host reads back anyway.
    const clap_output_events_t* out_ = nullptr;
};

} // namespace

const PluginType instrument_type = {&descriptor, &create<Instrument>};

} // namespace scuff_test
