#pragma once
// A VST3 plugin's buses: the speaker arrangements host and plugin agree on, the buses as the
// device's ports, and the buffers of a process call over the device's channel planes.
#include <cstdint>
#include <vector>

#include "core/device_description.hpp"
#include "pluginterfaces/vst/ivstaudioprocessor.h"
#include "pluginterfaces/vst/ivstcomponent.h"

namespace scuff::sbox {

struct Vst3Buses {
    std::vector<PortDescription> inputs;
    std::vector<PortDescription> outputs;
    uint32_t note_inputs = 0;
    uint32_t note_outputs = 0;
};

// Main thread, while inactive: offers the plugin the arrangements it prefers, else stereo on
// every audio bus, else mono, and activates every audio and event bus.
void negotiate_buses(Steinberg::Vst::IComponent& component, Steinberg::Vst::IAudioProcessor& processor);

// Main thread: the buses as they settled. Throws RequestError.
Vst3Buses read_buses(Steinberg::Vst::IComponent& component, Steinberg::Vst::IAudioProcessor& processor);

// One AudioBusBuffers per bus over its channel planes, which must outlive it unchanged.
std::vector<Steinberg::Vst::AudioBusBuffers> bus_buffers(const std::vector<std::vector<float*>>& planes);

} // namespace scuff::sbox
