#include "vst3/event_list.hpp"

#include "scuff/vst3_com.hpp"

namespace scuff::sbox {

using namespace Steinberg;

tresult PLUGIN_API Vst3EventList::queryInterface(const TUID iid, void** object) {
    if (vst3::same_iid(iid, FUnknown_iid) || vst3::same_iid(iid, Vst::IEventList_iid)) {
        *object = static_cast<Vst::IEventList*>(this);
        return kResultOk;
    }
    *object = nullptr;
    return kNoInterface;
}

tresult PLUGIN_API Vst3EventList::getEvent(int32 index, Vst::Event& event) {
    if (index < 0 || index >= count_) {
        return kInvalidArgument;
    }
    event = events_[index];
    return kResultOk;
}

tresult PLUGIN_API Vst3EventList::addEvent(Vst::Event& event) {
    if (static_cast<size_t>(count_) == events_.size()) {
        return kOutOfMemory;
    }
    events_[count_++] = event;
    return kResultOk;
}

} // namespace scuff::sbox
