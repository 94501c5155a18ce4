#include "component.hpp"

#include "stream.hpp"
#include "text16.hpp"

#include "pluginterfaces/vst/vstspeaker.h"

#include <cstring>
#include <utility>

namespace scuff_vst3 {

using namespace Steinberg::Vst;

namespace {

SpeakerArrangement arrangement_of(int32 channels) {
    return channels == 1 ? SpeakerArr::kMono : SpeakerArr::kStereo;
}

} // namespace

Component::Component(const TUID controller_cid, std::vector<Bus> inputs, std::vector<Bus> outputs)
    : has_controller_(controller_cid != nullptr), inputs_(std::move(inputs)), outputs_(std::move(outputs)),
      input_active_(inputs_.size(), true), output_active_(outputs_.size(), true) {
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

int32 PLUGIN_API Component::getBusCount(MediaType type, BusDirection dir) {
    return type == kAudio ? static_cast<int32>(buses(dir).size()) : 0;
}

tresult PLUGIN_API Component::getBusInfo(MediaType type, BusDirection dir, int32 index, BusInfo& info) {
    const std::vector<Bus>& list = buses(dir);
    if (type != kAudio || index < 0 || index >= static_cast<int32>(list.size()))
        return kInvalidArgument;
    const Bus& bus = list[index];
    info.mediaType = kAudio;
    info.direction = dir;
    info.channelCount = bus.channels;
    copy16(info.name, bus.name);
    info.busType = bus.type;
    info.flags = BusInfo::kDefaultActive;
    return kResultOk;
}

tresult PLUGIN_API Component::activateBus(MediaType type, BusDirection dir, int32 index, TBool state) {
    std::vector<bool>& flags = dir == kInput ? input_active_ : output_active_;
    if (type != kAudio || index < 0 || index >= static_cast<int32>(flags.size()))
        return kInvalidArgument;
    flags[index] = state != 0;
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

// Only the arrangement each bus already has: the test plugins never change their channel counts.
tresult PLUGIN_API Component::setBusArrangements(SpeakerArrangement* inputs, int32 input_count,
                                                 SpeakerArrangement* outputs, int32 output_count) {
    if (input_count != static_cast<int32>(inputs_.size()) || output_count != static_cast<int32>(outputs_.size()))
        return kResultFalse;
    if ((input_count > 0 && !inputs) || (output_count > 0 && !outputs))
        return kInvalidArgument;
    for (int32 i = 0; i < input_count; ++i)
        if (inputs[i] != arrangement_of(inputs_[i].channels))
            return kResultFalse;
    for (int32 i = 0; i < output_count; ++i)
        if (outputs[i] != arrangement_of(outputs_[i].channels))
            return kResultFalse;
    return kResultTrue;
}

tresult PLUGIN_API Component::getBusArrangement(BusDirection dir, int32 index, SpeakerArrangement& arrangement) {
    const std::vector<Bus>& list = buses(dir);
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
