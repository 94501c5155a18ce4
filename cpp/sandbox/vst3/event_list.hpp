#pragma once
// The note events of one VST3 process call, in or out, preallocated. The host owns it;
// a plugin only borrows it for the call.
#include <vector>

#include "pluginterfaces/vst/ivstevents.h"

namespace scuff::sbox {

class Vst3EventList final : public Steinberg::Vst::IEventList {
public:
    explicit Vst3EventList(size_t capacity) : events_(capacity) {}
    // Main thread, while not processing: room for `capacity` events instead.
    void resize(size_t capacity) {
        events_.resize(capacity);
        count_ = 0;
    }

    void clear() { count_ = 0; }

    Steinberg::tresult PLUGIN_API queryInterface(const Steinberg::TUID iid, void** object) override;
    Steinberg::uint32 PLUGIN_API addRef() override { return 1; }
    Steinberg::uint32 PLUGIN_API release() override { return 1; }

    Steinberg::int32 PLUGIN_API getEventCount() override { return count_; }
    Steinberg::tresult PLUGIN_API getEvent(Steinberg::int32 index, Steinberg::Vst::Event& event) override;
    Steinberg::tresult PLUGIN_API addEvent(Steinberg::Vst::Event& event) override;

private:
    std::vector<Steinberg::Vst::Event> events_;
    Steinberg::int32 count_ = 0;
};

} // namespace scuff::sbox
