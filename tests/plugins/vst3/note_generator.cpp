#include "../dsp/note_generator.hpp"
#include "class_ids.hpp"
#include "classes.hpp"
#include "note_events.hpp"
#include "param_table.hpp"

namespace scuff_vst3 {

namespace {

using scuff_dsp::NoteGenerator;

const auto specs = specs_of(NoteGenerator::param_defs);

// The VST3 build of dsp/note_generator.hpp: no audio, one event output bus; note ids are the notes'
// indices, as in the CLAP build.
class NoteGeneratorPlugin : public ParamTableComponent<4> {
public:
    NoteGeneratorPlugin() : ParamTableComponent(specs, {}, {}, {}, event_bus("notes")) {}

protected:
    scuff_dsp::ParamValues<4>& values() override { return dsp_.params; }

    void on_active(bool active) override {
        if (active)
            dsp_.activate();
    }

    void process_block(ProcessData& data) override {
        IEventList* out = data.outputEvents;
        render_between_changes(
            data, [this](ParamID id, ParamValue value) { apply(id, value); },
            [&](int32 start, int32 end) {
                dsp_.generate(static_cast<uint32_t>(start), static_cast<uint32_t>(end),
                              [&](const NoteGenerator::Note& note) {
                                  if (!out)
                                      return;
                                  Event event{};
                                  event.busIndex = 0;
                                  event.sampleOffset = static_cast<int32>(note.frame);
                                  event.flags = Event::kIsLive;
                                  if (note.on) {
                                      event.type = Event::kNoteOnEvent;
                                      event.noteOn = {0, static_cast<Steinberg::int16>(note.key), 0.0f,
                                                      static_cast<float>(note.velocity), 0, note.note_id};
                                  } else {
                                      event.type = Event::kNoteOffEvent;
                                      event.noteOff = {0, static_cast<Steinberg::int16>(note.key), 0.0f, note.note_id,
                                                       0.0f};
                                  }
                                  out->addEvent(event);
                              });
            });
    }

private:
    NoteGenerator dsp_;
};

} // namespace

const ClassEntry note_generator_class = {note_generator_cid, kVstAudioEffectClass, "Test Note Generator",
                                         "Fx|Generator", &create<NoteGeneratorPlugin>};

} // namespace scuff_vst3
