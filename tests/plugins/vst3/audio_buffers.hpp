#pragma once

#include "pluginterfaces/vst/ivstaudioprocessor.h"

namespace scuff_vst3 {

using Steinberg::int32;
using Steinberg::Vst::AudioBusBuffers;
using Steinberg::Vst::ProcessData;

// A host may pass fewer buses or channels than the plugin declared, or null buffers: every access
// goes through these, which answer null for anything missing.
inline float* channel_of(const AudioBusBuffers* buses, int32 count, int32 bus, int32 channel) {
    if (!buses || bus < 0 || bus >= count || channel < 0 || channel >= buses[bus].numChannels ||
        !buses[bus].channelBuffers32)
        return nullptr;
    return buses[bus].channelBuffers32[channel];
}

inline const float* input(const ProcessData& data, int32 bus, int32 channel) {
    return channel_of(data.inputs, data.numInputs, bus, channel);
}

inline float* output(const ProcessData& data, int32 bus, int32 channel) {
    return channel_of(data.outputs, data.numOutputs, bus, channel);
}

// Main output = main input * gain over [start, end); output channels without a matching input go silent.
inline void copy_main(const ProcessData& data, int32 start, int32 end, float gain = 1.0f) {
    for (int32 c = 0; float* out = output(data, 0, c); ++c) {
        const float* in = input(data, 0, c);
        for (int32 i = start; i < end; ++i)
            out[i] = in ? in[i] * gain : 0.0f;
    }
}

} // namespace scuff_vst3
