#pragma once

#include "audio_buffers.hpp"
#include "component.hpp"
#include "edit_controller.hpp"

namespace scuff_vst3 {

// Stereo copy with no parameters and an empty state; the lifecycle fault plugins build on it so only
// their fault differs.
class Passthrough : public EditControllerOf<Component> {
public:
    Passthrough() : EditControllerOf(nullptr, 0, nullptr, main_bus(2), main_bus(2)) {}

protected:
    void process_block(ProcessData& data) override { copy_main(data, 0, data.numSamples); }
};

} // namespace scuff_vst3
