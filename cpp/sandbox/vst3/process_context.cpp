#include "vst3/process_context.hpp"

#include <cmath>

#include "core/bar_position.hpp"

namespace scuff::sbox {

using Steinberg::Vst::ProcessContext;

void set_transport(ProcessContext& context, const TransportState& transport, double sample_rate) {
    context.state = ProcessContext::kTempoValid | ProcessContext::kTimeSigValid |
                    ProcessContext::kProjectTimeMusicValid | ProcessContext::kBarPositionValid |
                    ProcessContext::kContTimeValid;
    if (transport.flags & TransportState::kPlaying) context.state |= ProcessContext::kPlaying;
    if (transport.flags & TransportState::kLoopActive) context.state |= ProcessContext::kCycleActive;
    context.tempo = transport.tempo;
    context.timeSigNumerator = transport.time_signature_numerator;
    context.timeSigDenominator = transport.time_signature_denominator;
    context.projectTimeMusic = transport.position_beats;
    context.barPositionMusic = bar_position(transport).start_beats;
    context.cycleStartMusic = transport.loop_start_beats;
    context.cycleEndMusic = transport.loop_end_beats;
    context.projectTimeSamples = static_cast<Steinberg::int64>(std::llround(transport.position_seconds * sample_rate));
}

} // namespace scuff::sbox
