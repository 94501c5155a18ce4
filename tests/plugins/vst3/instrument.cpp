#include "../dsp/instrument.hpp"
#include "audio_buffers.hpp"
#include "class_ids.hpp"
#include "classes.hpp"
#include "note_events.hpp"
#include "param_table.hpp"

#include "pluginterfaces/vst/ivstmidicontrollers.h"

namespace scuff_vst3 {

namespace {

using scuff_dsp::Instrument;
using Steinberg::Vst::IMidiMapping;

const auto specs = specs_of(Instrument::param_defs);

// The VST3 build of dsp/instrument.hpp: one event input bus "notes" (note on and off at their sample
// offsets), one stereo output. IMidiMapping sends pitch bend to Pitch Bend and CC 7 to Volume.
class InstrumentPlugin : public ParamTableComponent<2>, public IMidiMapping {
public:
    InstrumentPlugin() : ParamTableComponent(specs, {}, main_bus(2), event_bus("notes"), {}) {}

    // IMidiMapping, on every channel of the one event bus.
    tresult PLUGIN_API getMidiControllerAssignment(int32 bus, int16, Steinberg::Vst::CtrlNumber controller,
                                                   ParamID& id) override {
        if (bus != 0)
            return kResultFalse;
        if (controller == Steinberg::Vst::kPitchBend) {
            id = Instrument::bend_param;
            return kResultTrue;
        }
        if (controller == Steinberg::Vst::kCtrlVolume) {
            id = Instrument::volume_param;
            return kResultTrue;
        }
        return kResultFalse;
    }

protected:
    void* interface(const TUID iid) {
        if (void* found = ParamTableComponent::interface(iid))
            return found;
        return offer<IMidiMapping>(iid, Steinberg::Vst::IMidiMapping_iid, this);
    }

    scuff_dsp::ParamValues<2>& values() override { return dsp_.params; }
    void set_param(ParamID id, double plain) override { dsp_.set_param(id, plain); }

    void on_active(bool active) override {
        if (active)
            dsp_.activate(sample_rate());
    }

    void on_processing(bool processing) override {
        if (processing)
            dsp_.stop_all();
    }

    void process_block(ProcessData& data) override {
        float* outputs[2] = {output(data, 0, 0), output(data, 0, 1)};
        render_between_notes(
            data,
            [this](const Event& event) {
                if (event.busIndex != 0)
                    return;
                if (event.type == Event::kNoteOnEvent)
                    dsp_.note_on(event.noteOn.channel, event.noteOn.pitch, event.noteOn.noteId, event.noteOn.velocity);
                else if (event.type == Event::kNoteOffEvent)
                    dsp_.note_off(event.noteOff.channel, event.noteOff.pitch, -1);
            },
            [this](ParamID id, ParamValue value) { apply(id, value); },
            [&](int32 start, int32 end) {
                dsp_.render(outputs, 2, static_cast<uint32_t>(start), static_cast<uint32_t>(end));
            });
    }

private:
    Instrument dsp_;
};

} // namespace

const ClassEntry instrument_class = {instrument_cid, kVstAudioEffectClass, "Test Instrument", "Instrument|Synth",
                                     &create<InstrumentPlugin>};

} // namespace scuff_vst3
