#include "../dsp/note_generator.hpp"
#include "param_table.hpp"
#include "plugin_types.hpp"

namespace scuff_test {

namespace {

const char* features[] = {CLAP_PLUGIN_FEATURE_NOTE_EFFECT, CLAP_PLUGIN_FEATURE_UTILITY, nullptr};
constexpr clap_plugin_descriptor_t descriptor =
    describe("org.scuff.test.note-generator", "Test Note Generator", features);

// The CLAP build of dsp/note_generator.hpp: no audio, one note output in the CLAP dialect.
class NoteGenerator : public ParamTablePlugin<4> {
public:
    NoteGenerator() : ParamTablePlugin(&descriptor, {}, {}) {
        set_note_ports({}, {{"notes", CLAP_NOTE_DIALECT_CLAP, CLAP_NOTE_DIALECT_CLAP}});
    }

protected:
    scuff_dsp::ParamValues<4>& values() override { return dsp_.params; }

    bool activate() override {
        dsp_.activate();
        return true;
    }

    const void* extension(const char* id) override {
        if (std::strcmp(id, CLAP_EXT_NOTE_PORTS) == 0)
            return &note_ports_ext;
        return ParamTablePlugin::extension(id);
    }

    clap_process_status process(const clap_process_t& process) override {
        const clap_output_events_t* out = process.out_events;
        render_between_events(process, [&](uint32_t start, uint32_t end) {
            dsp_.generate(start, end, [&](const scuff_dsp::NoteGenerator::Note& note) {
                if (!out)
                    return;
                clap_event_note_t event{};
                event.header = {sizeof(event), note.frame, CLAP_CORE_EVENT_SPACE_ID,
                                static_cast<uint16_t>(note.on ? CLAP_EVENT_NOTE_ON : CLAP_EVENT_NOTE_OFF), 0};
                event.note_id = note.note_id;
                event.port_index = 0;
                event.channel = 0;
                event.key = static_cast<int16_t>(note.key);
                event.velocity = note.velocity;
                out->try_push(out, &event.header);
            });
        });
        return CLAP_PROCESS_CONTINUE;
    }

private:
    scuff_dsp::NoteGenerator dsp_;
};

} // namespace

const PluginType note_generator_type = {&descriptor, &create<NoteGenerator>};

} // namespace scuff_test
