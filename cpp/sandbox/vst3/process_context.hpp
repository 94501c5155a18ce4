#pragma once
// The group's transport as a VST3 process call's ProcessContext.
#include "pluginterfaces/vst/ivstprocesscontext.h"
#include "scuff/shared_layout.hpp"

namespace scuff::sbox {

// Audio thread: what `transport` says of tempo, time signature, position and loop, with
// samples counted at `sample_rate`. The caller keeps the sample rate and the continuous time.
void set_transport(Steinberg::Vst::ProcessContext& context, const TransportState& transport, double sample_rate);

} // namespace scuff::sbox
