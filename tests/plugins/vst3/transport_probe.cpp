#include "../dsp/transport_probe.hpp"
#include "audio_buffers.hpp"
#include "class_ids.hpp"
#include "classes.hpp"
#include "component.hpp"
#include "edit_controller.hpp"

#include "pluginterfaces/vst/ivstprocesscontext.h"

namespace scuff_vst3 {

namespace {

using Steinberg::Vst::ProcessContext;

scuff_dsp::Transport from_context(const ProcessContext* context, double setup_rate) {
    scuff_dsp::Transport out;
    if (!context)
        return out;
    const uint32 state = context->state;
    out.has_tempo = state & ProcessContext::kTempoValid;
    out.tempo = context->tempo;
    out.has_beats = state & ProcessContext::kProjectTimeMusicValid;
    out.beats = context->projectTimeMusic;
    const double rate = context->sampleRate > 0.0 ? context->sampleRate : setup_rate;
    out.has_seconds = rate > 0.0;
    out.seconds = rate > 0.0 ? static_cast<double>(context->projectTimeSamples) / rate : 0.0;
    out.playing = state & ProcessContext::kPlaying;
    out.has_time_signature = state & ProcessContext::kTimeSigValid;
    out.numerator = context->timeSigNumerator;
    out.denominator = context->timeSigDenominator;
    out.loop_active = state & ProcessContext::kCycleActive;
    out.loop_start_beats = context->cycleStartMusic;
    return out;
}

// The VST3 build of dsp/transport_probe.hpp: one 8-channel output bus (7.1 cinema, or any 8-speaker
// arrangement a host sets), reading ProcessContext; offline is processMode == kOffline.
class TransportProbe : public EditControllerOf<Component> {
public:
    TransportProbe()
        : EditControllerOf(nullptr, 0, nullptr, std::vector<Bus>{},
                           std::vector<Bus>{{"probe", scuff_dsp::probe_channels, Steinberg::Vst::kMain}}) {}

protected:
    void process_block(ProcessData& data) override {
        float* outputs[scuff_dsp::probe_channels];
        for (int32 c = 0; c < scuff_dsp::probe_channels; ++c)
            outputs[c] = output(data, 0, c);
        scuff_dsp::write_probe(from_context(data.processContext, sample_rate()),
                               data.processMode == Steinberg::Vst::kOffline, sample_rate(), outputs, 0,
                               static_cast<uint32_t>(data.numSamples), 0);
    }
};

} // namespace

const ClassEntry transport_probe_class = {transport_probe_cid, kVstAudioEffectClass, "Test Transport Probe",
                                          "Instrument|Generator", &create<TransportProbe>};

} // namespace scuff_vst3
