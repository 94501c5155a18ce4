#include "component.hpp"

#include "stream.hpp"
#include "text16.hpp"

#include "pluginterfaces/vst/vstspeaker.h"

#include <cstring>
#include <utility>

namespace scuff_vst3 {

using namespace Steinberg::Vst;

namespace {

// Mono and stereo by name; wider buses as the first `channels` speakers (8: 7.1 cinema).
SpeakerArrangement arrangement_of(int32 channels) {
    if (channels == 1)
        return SpeakerArr::kMono;
    if (channels == 2)
        return SpeakerArr::kStereo;
    return (SpeakerArrangement{1} << channels) - 1;
}

// Mono and stereo buses take only their own arrangement; a wider bus takes any with its channel count.
bool fits(SpeakerArrangement arrangement, int32 channels) {
    if (channels <= 2)
        return arrangement == arrangement_of(channels);
    return SpeakerArr::getChannelCount(arrangement) == channels;
}

} // namespace

Component::Component(const TUID controller_cid, std::vector<Bus> inputs, std::vector<Bus> outputs,
                     std::vector<Bus> event_inputs, std::vector<Bus> event_outputs)
    : has_controller_(controller_cid != nullptr), inputs_(std::move(inputs)), outputs_(std::move(outputs)),
      event_inputs_(std::move(event_inputs)), event_outputs_(std::move(event_outputs)),
      input_active_(inputs_.size(), true), output_active_(outputs_.size(), true),
      event_input_active_(event_inputs_.size(), true), event_output_active_(event_outputs_.size(), true) {
    if (controller_cid)
        std::memcpy(controller_cid_, controller_cid, sizeof(TUID));
    setup_.symbolicSampleSize = kSample32;
}

void* Component::interface(const TUID iid) {
    auto* component = static_cast<IComponent*>(this);
    if (same_iid(iid, FUnknown_iid))
        return static_cast<FUnknown*>(component);
    if (same_iid(iid, IPluginBase_iid))
        return static_cast<IPluginBase*>(component);
    if (void* found = offer<IComponent>(iid, Steinberg::Vst::IComponent_iid, this))
        return found;
    return offer<IAudioProcessor>(iid, Steinberg::Vst::IAudioProcessor_iid, this);
}

tresult PLUGIN_API Component::initialize(FUnknown* context) {
    if (initialize_count_ > 0) {
        ++initialize_count_;
        return kResultOk;
    }
    if (!on_initialize(context))
        return kResultFalse;
    initialize_count_ = 1;
    return kResultOk;
}

tresult PLUGIN_API Component::terminate() {
    if (initialize_count_ == 0)
        return kResultFalse;
    if (--initialize_count_ == 0)
        on_terminate();
    return kResultOk;
}

tresult PLUGIN_API Component::getControllerClassId(TUID class_id) {
    if (!class_id)
        return kInvalidArgument;
    std::memcpy(class_id, controller_cid_, sizeof(TUID));
    return has_controller_ ? kResultOk : kResultFalse;
}

std::vector<bool>* Component::active_flags(MediaType type, BusDirection dir) {
    if (type == kAudio)
        return dir == kInput ? &input_active_ : &output_active_;
    if (type == kEvent)
        return dir == kInput ? &event_input_active_ : &event_output_active_;
    return nullptr;
}

int32 PLUGIN_API Component::getBusCount(MediaType type, BusDirection dir) {
    return type == kAudio || type == kEvent ? static_cast<int32>(buses(type, dir).size()) : 0;
}

tresult PLUGIN_API Component::getBusInfo(MediaType type, BusDirection dir, int32 index, BusInfo& info) {
    if (type != kAudio && type != kEvent)
        return kInvalidArgument;
    const std::vector<Bus>& list = buses(type, dir);
    if (index < 0 || index >= static_cast<int32>(list.size()))
        return kInvalidArgument;
    const Bus& bus = list[index];
    info.mediaType = type;
    info.direction = dir;
    info.channelCount = bus.channels;
    copy16(info.name, bus.name);
    info.busType = bus.type;
    info.flags = BusInfo::kDefaultActive;
    return kResultOk;
}

tresult PLUGIN_API Component::activateBus(MediaType type, BusDirection dir, int32 index, TBool state) {
    std::vector<bool>* flags = active_flags(type, dir);
    if (!flags || index < 0 || index >= static_cast<int32>(flags->size()))
        return kInvalidArgument;
    (*flags)[index] = state != 0;
    return kResultOk;
}

tresult PLUGIN_API Component::setActive(TBool state) {
    active_ = state != 0;
    on_active(active_);
    return kResultOk;
}

tresult PLUGIN_API Component::setState(IBStream* state) {
    if (!state)
        return kInvalidArgument;
    return load(state) ? kResultOk : kResultFalse;
}

tresult PLUGIN_API Component::getState(IBStream* state) {
    if (!state)
        return kInvalidArgument;
    return save(state) ? kResultOk : kResultFalse;
}

// Only arrangements of the channel count each bus already has: the test plugins never change theirs.
tresult PLUGIN_API Component::setBusArrangements(SpeakerArrangement* inputs, int32 input_count,
                                                 SpeakerArrangement* outputs, int32 output_count) {
    if (input_count != static_cast<int32>(inputs_.size()) || output_count != static_cast<int32>(outputs_.size()))
        return kResultFalse;
    if ((input_count > 0 && !inputs) || (output_count > 0 && !outputs))
        return kInvalidArgument;
    for (int32 i = 0; i < input_count; ++i)
        if (!fits(inputs[i], inputs_[i].channels))
            return kResultFalse;
    for (int32 i = 0; i < output_count; ++i)
        if (!fits(outputs[i], outputs_[i].channels))
            return kResultFalse;
    return kResultTrue;
}

tresult PLUGIN_API Component::getBusArrangement(BusDirection dir, int32 index, SpeakerArrangement& arrangement) {
    const std::vector<Bus>& list = buses(kAudio, dir);
    if (index < 0 || index >= static_cast<int32>(list.size()))
        return kInvalidArgument;
    arrangement = arrangement_of(list[index].channels);
    return kResultOk;
}

tresult PLUGIN_API Component::canProcessSampleSize(int32 size) {
    return size == kSample32 ? kResultTrue : kResultFalse;
}

tresult PLUGIN_API Component::setupProcessing(ProcessSetup& setup) {
    if (setup.symbolicSampleSize != kSample32)
        return kResultFalse;
    setup_ = setup;
    return kResultOk;
}

tresult PLUGIN_API Component::setProcessing(TBool state) {
    on_processing(state != 0);
    return kResultOk;
}

tresult PLUGIN_API Component::process(ProcessData& data) {
    if (data.symbolicSampleSize != kSample32 || data.numSamples < 0)
        return kInvalidArgument;
    // None of these plugins tracks silent channels, so none is reported as silent.
    for (int32 bus = 0; data.outputs && bus < data.numOutputs; ++bus)
        data.outputs[bus].silenceFlags = 0;
    process_block(data);
    return kResultOk;
}

} // namespace scuff_vst3
