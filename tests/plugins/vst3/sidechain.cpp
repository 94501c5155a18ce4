#include "audio_buffers.hpp"
#include "class_ids.hpp"
#include "classes.hpp"
#include "component.hpp"
#include "edit_controller.hpp"

namespace scuff_vst3 {

namespace {

using Steinberg::Vst::kAux;
using Steinberg::Vst::kMain;

// Sums the main and the auxiliary input, so a test can tell from the output that the host routed both.
class Sidechain : public EditControllerOf<Component> {
public:
    Sidechain()
        : EditControllerOf(nullptr, 0, nullptr, std::vector<Bus>{{"main", 2, kMain}, {"sidechain", 2, kAux}},
                           main_bus(2)) {}

protected:
    void process_block(ProcessData& data) override {
        for (int32 c = 0; float* out = output(data, 0, c); ++c) {
            const float* main = input(data, 0, c);
            const float* side = input(data, 1, c);
            for (int32 i = 0; i < data.numSamples; ++i)
                out[i] = (main ? main[i] : 0.0f) + (side ? side[i] : 0.0f);
        }
    }
};

} // namespace

const ClassEntry sidechain_class = {sidechain_cid, kVstAudioEffectClass, "Test Sidechain", "Fx|Tools|Stereo",
                                    &create<Sidechain>};

} // namespace scuff_vst3
