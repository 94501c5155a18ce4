#pragma once

#include "pluginterfaces/vst/ivstaudioprocessor.h"
#include "pluginterfaces/vst/ivstparameterchanges.h"

#include <algorithm>
#include <array>

namespace scuff_vst3 {

using Steinberg::int32;
using Steinberg::kResultOk;
using Steinberg::Vst::ParamValue;
using Steinberg::Vst::ProcessData;

// Calls on_change(id, normalized) for each parameter point and render(start, end) between them, so a
// change takes effect exactly at its sample offset. Points at or past the end of the block still count,
// and with numSamples == 0 every point is applied and nothing is rendered.
template <class OnChange, class Render>
void render_between_changes(ProcessData& data, OnChange on_change, Render render) {
    using Steinberg::Vst::IParamValueQueue;
    // Queues past this many are applied at the start of the block; no test plugin has that many parameters.
    constexpr int32 max_queues = 32;
    Steinberg::Vst::IParameterChanges* changes = data.inputParameterChanges;
    const int32 queue_count = changes ? std::max(changes->getParameterCount(), 0) : 0;
    std::array<int32, max_queues> next{};
    const int32 frames = std::max(data.numSamples, 0);
    int32 start = 0;
    // Every pass starts after the previous one's end, so start == 0 only on the first.
    for (;;) {
        int32 end = frames;
        for (int32 q = 0; q < queue_count; ++q) {
            IParamValueQueue* queue = changes->getParameterData(q);
            if (!queue)
                continue;
            const int32 points = queue->getPointCount();
            const bool tracked = q < max_queues;
            if (!tracked && start > 0)
                continue;
            for (int32 cursor = tracked ? next[q] : 0; cursor < points; ++cursor) {
                int32 offset = 0;
                ParamValue value = 0.0;
                if (queue->getPoint(cursor, offset, value) == kResultOk) {
                    if (tracked && offset > start && start < frames) {
                        end = std::min(end, offset);
                        break;
                    }
                    on_change(queue->getParameterId(), value);
                }
                if (tracked)
                    next[q] = cursor + 1;
            }
        }
        if (start >= frames)
            return;
        render(start, end);
        start = end;
    }
}

// Every parameter point of the block, queue by queue, without rendering.
template <class OnChange>
void apply_changes(ProcessData& data, OnChange on_change) {
    render_between_changes(data, on_change, [](int32, int32) {});
}

} // namespace scuff_vst3
