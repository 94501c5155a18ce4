#include "audio_buffers.hpp"
#include "class_ids.hpp"
#include "classes.hpp"
#include "component.hpp"
#include "edit_controller.hpp"

namespace scuff_vst3 {

namespace {

// One channel in, one out, for tests of channel-count handling.
class Mono : public EditControllerOf<Component> {
public:
    Mono() : EditControllerOf(nullptr, 0, nullptr, main_bus(1), main_bus(1)) {}

protected:
    void process_block(ProcessData& data) override { copy_main(data, 0, data.numSamples); }
};

} // namespace

const ClassEntry mono_class = {mono_cid, kVstAudioEffectClass, "Test Mono", "Fx|Tools|Mono", &create<Mono>};

} // namespace scuff_vst3
