#pragma once

#include "param_changes.hpp"

#include "pluginterfaces/vst/ivstevents.h"

namespace scuff_vst3 {

using Steinberg::Vst::Event;
using Steinberg::Vst::IEventList;

// Like render_between_changes, but the block is also split at each input event, so notes and parameter
// changes both take effect exactly at their sample offset: on_event(event) runs before the frame at its
// offset is rendered, after the parameter changes of that frame. Events come in list order (hosts sort
// them by offset); those at or past the end of the block, or of a block of 0 samples, still count.
template <class OnEvent, class OnChange, class Render>
void render_between_notes(ProcessData& data, OnEvent on_event, OnChange on_change, Render render) {
    IEventList* events = data.inputEvents;
    const int32 count = events ? events->getEventCount() : 0;
    int32 next = 0;
    Event event{};
    // Loads the next readable event into `event`; false when none is left.
    auto peek = [&] {
        for (; next < count; ++next)
            if (events->getEvent(next, event) == kResultOk)
                return true;
        return false;
    };
    render_between_changes(data, on_change, [&](int32 start, int32 end) {
        while (start < end) {
            while (peek() && event.sampleOffset <= start) {
                on_event(event);
                ++next;
            }
            const int32 stop = next < count && event.sampleOffset < end ? event.sampleOffset : end;
            render(start, stop);
            start = stop;
        }
    });
    while (peek()) {
        on_event(event);
        ++next;
    }
}

} // namespace scuff_vst3
