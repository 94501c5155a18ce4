#include "vst3/param_changes.hpp"

#include "scuff/vst3_com.hpp"

namespace scuff::sbox {

using namespace Steinberg;
using vst3::same_iid;

tresult PLUGIN_API Vst3ParamQueue::queryInterface(const TUID iid, void** object) {
    if (same_iid(iid, FUnknown_iid) || same_iid(iid, Vst::IParamValueQueue_iid)) {
        *object = static_cast<Vst::IParamValueQueue*>(this);
        return kResultOk;
    }
    *object = nullptr;
    return kNoInterface;
}

tresult PLUGIN_API Vst3ParamQueue::getPoint(int32 index, int32& offset, Vst::ParamValue& value) {
    if (index < 0 || index >= count_) {
        return kInvalidArgument;
    }
    offset = points_[index].offset;
    value = points_[index].value;
    return kResultOk;
}

tresult PLUGIN_API Vst3ParamQueue::addPoint(int32 offset, Vst::ParamValue value, int32& index) {
    if (count_ > 0 && (points_[count_ - 1].offset >= offset || count_ == kMaxPoints)) {
        // Out of order or full: the newest value wins at the last point's time.
        points_[count_ - 1].value = value;
        index = count_ - 1;
        return kResultOk;
    }
    points_[count_] = {offset, value};
    index = count_++;
    return kResultOk;
}

Vst3ParamQueue* Vst3ParamChanges::queue(Vst::ParamID id) {
    for (int32 i = 0; i < used_; ++i) {
        if (queues_[i].getParameterId() == id) {
            return &queues_[i];
        }
    }
    if (static_cast<size_t>(used_) == queues_.size()) {
        return nullptr;
    }
    queues_[used_].reset(id);
    return &queues_[used_++];
}

tresult PLUGIN_API Vst3ParamChanges::queryInterface(const TUID iid, void** object) {
    if (same_iid(iid, FUnknown_iid) || same_iid(iid, Vst::IParameterChanges_iid)) {
        *object = static_cast<Vst::IParameterChanges*>(this);
        return kResultOk;
    }
    *object = nullptr;
    return kNoInterface;
}

Vst::IParamValueQueue* PLUGIN_API Vst3ParamChanges::getParameterData(int32 index) {
    return index >= 0 && index < used_ ? &queues_[index] : nullptr;
}

Vst::IParamValueQueue* PLUGIN_API Vst3ParamChanges::addParameterData(const Vst::ParamID& id, int32& index) {
    Vst3ParamQueue* found = queue(id);
    index = found ? static_cast<int32>(found - queues_.data()) : -1;
    return found;
}

} // namespace scuff::sbox
