#include "vst3/buses.hpp"

#include <algorithm>
#include <bit>

#include "core/request_error.hpp"
#include "scuff/shared_layout.hpp"
#include "scuff/vst3_text.hpp"

namespace scuff::sbox {

using namespace Steinberg;
using protocol::ErrorCode;

namespace {

Vst::SpeakerArrangement arrangement_for(int32 channels) {
    if (channels <= 0) return 0;
    if (channels >= 64) return ~Vst::SpeakerArrangement{0};
    return (Vst::SpeakerArrangement{1} << channels) - 1;
}

int32 bus_count(Vst::IComponent& component, Vst::MediaType type, Vst::BusDirection direction) {
    return std::clamp<int32>(component.getBusCount(type, direction), 0, kMaxPorts);
}

// The arrangement the plugin has on each audio bus, or one that its channel count implies.
std::vector<Vst::SpeakerArrangement> current(Vst::IComponent& component, Vst::IAudioProcessor& processor,
                                             Vst::BusDirection direction) {
    std::vector<Vst::SpeakerArrangement> arrangements;
    for (int32 index = 0, count = bus_count(component, Vst::kAudio, direction); index < count; ++index) {
        Vst::SpeakerArrangement arrangement = 0;
        if (processor.getBusArrangement(direction, index, arrangement) != kResultOk) {
            Vst::BusInfo info{};
            component.getBusInfo(Vst::kAudio, direction, index, info);
            arrangement = arrangement_for(info.channelCount);
        }
        arrangements.push_back(arrangement);
    }
    return arrangements;
}

std::vector<PortDescription> audio_ports(Vst::IComponent& component, Vst::IAudioProcessor& processor,
                                         Vst::BusDirection direction) {
    std::vector<PortDescription> ports;
    for (int32 index = 0, count = bus_count(component, Vst::kAudio, direction); index < count; ++index) {
        Vst::BusInfo info{};
        if (component.getBusInfo(Vst::kAudio, direction, index, info) != kResultOk) {
            throw RequestError(ErrorCode::PluginFailed, "the plugin failed to describe an audio bus");
        }
        Vst::SpeakerArrangement arrangement = 0;
        int32 channels = info.channelCount;
        if (processor.getBusArrangement(direction, index, arrangement) == kResultOk) {
            channels = std::popcount(arrangement);
        }
        if (channels < 0 || channels > static_cast<int32>(kMaxChannelsPerPort)) {
            throw RequestError(ErrorCode::PluginFailed, "the plugin reports an audio bus with too many channels");
        }
        ports.push_back({static_cast<uint32_t>(index), vst3::text(info.name), static_cast<uint32_t>(channels),
                         info.busType == Vst::kMain});
    }
    return ports;
}

} // namespace

void negotiate_buses(Vst::IComponent& component, Vst::IAudioProcessor& processor) {
    auto inputs = current(component, processor, Vst::kInput);
    auto outputs = current(component, processor, Vst::kOutput);
    auto offer = [&processor](std::vector<Vst::SpeakerArrangement> ins, std::vector<Vst::SpeakerArrangement> outs) {
        return processor.setBusArrangements(ins.data(), static_cast<int32>(ins.size()), outs.data(),
                                            static_cast<int32>(outs.size())) == kResultOk;
    };
    auto all = [](const std::vector<Vst::SpeakerArrangement>& buses, Vst::SpeakerArrangement arrangement) {
        return std::vector<Vst::SpeakerArrangement>(buses.size(), arrangement);
    };
    if (!offer(inputs, outputs) && !offer(all(inputs, Vst::SpeakerArr::kStereo), all(outputs, Vst::SpeakerArr::kStereo))) {
        offer(all(inputs, Vst::SpeakerArr::kMono), all(outputs, Vst::SpeakerArr::kMono));
    }
    for (auto direction : {Vst::kInput, Vst::kOutput}) {
        for (auto type : {Vst::kAudio, Vst::kEvent}) {
            for (int32 index = 0, count = bus_count(component, type, direction); index < count; ++index) {
                component.activateBus(type, direction, index, true);
            }
        }
    }
}

Vst3Buses read_buses(Vst::IComponent& component, Vst::IAudioProcessor& processor) {
    Vst3Buses buses;
    buses.inputs = audio_ports(component, processor, Vst::kInput);
    buses.outputs = audio_ports(component, processor, Vst::kOutput);
    buses.note_inputs = static_cast<uint32_t>(bus_count(component, Vst::kEvent, Vst::kInput));
    buses.note_outputs = static_cast<uint32_t>(bus_count(component, Vst::kEvent, Vst::kOutput));
    return buses;
}

std::vector<Vst::AudioBusBuffers> bus_buffers(const std::vector<std::vector<float*>>& planes) {
    std::vector<Vst::AudioBusBuffers> buses(planes.size(), Vst::AudioBusBuffers{});
    for (size_t bus = 0; bus < planes.size(); ++bus) {
        buses[bus].numChannels = static_cast<int32>(planes[bus].size());
        buses[bus].channelBuffers32 = const_cast<float**>(planes[bus].data());
    }
    return buses;
}

} // namespace scuff::sbox
