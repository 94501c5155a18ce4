#include "../dsp/midi_effect.hpp"
#include "class_ids.hpp"
#include "classes.hpp"
#include "note_events.hpp"
#include "param_table.hpp"

namespace scuff_vst3 {

namespace {

using scuff_dsp::MidiEffect;

const auto specs = specs_of(MidiEffect::param_defs);

// The VST3 build of dsp/midi_effect.hpp: no audio; note on and off from the input event bus go to the
// output event bus at the same offset, transposed, everything else about them kept.
class MidiEffectPlugin : public ParamTableComponent<1> {
public:
    MidiEffectPlugin() : ParamTableComponent(specs, {}, {}, event_bus("notes in"), event_bus("notes out")) {}

protected:
    scuff_dsp::ParamValues<1>& values() override { return dsp_.params; }

    void process_block(ProcessData& data) override {
        IEventList* out = data.outputEvents;
        render_between_notes(
            data,
            [&](Event event) {
                if (!out || event.busIndex != 0)
                    return;
                Steinberg::int16* pitch = event.type == Event::kNoteOnEvent    ? &event.noteOn.pitch
                                          : event.type == Event::kNoteOffEvent ? &event.noteOff.pitch
                                                                               : nullptr;
                int transposed;
                if (!pitch || !dsp_.transpose(*pitch, transposed))
                    return;
                *pitch = static_cast<Steinberg::int16>(transposed);
                out->addEvent(event);
            },
            [this](ParamID id, ParamValue value) { apply(id, value); }, [](int32, int32) {});
    }

private:
    MidiEffect dsp_;
};

} // namespace

const ClassEntry midi_effect_class = {midi_effect_cid, kVstAudioEffectClass, "Test MIDI Effect", "Fx|Tools",
                                      &create<MidiEffectPlugin>};

} // namespace scuff_vst3
