#include "plugin_types.hpp"

namespace scuff_test {

namespace {

const char* features[] = {CLAP_PLUGIN_FEATURE_AUDIO_EFFECT, CLAP_PLUGIN_FEATURE_STEREO, CLAP_PLUGIN_FEATURE_MIXING,
                          nullptr};
constexpr clap_plugin_descriptor_t descriptor = describe("org.scuff.test.sidechain", "Test Sidechain", features);

// Sums the two inputs so a test can tell from the output that the host routed both ports.
class Sidechain : public Plugin {
public:
    Sidechain() : Plugin(&descriptor, {{"main", 2, true}, {"sidechain", 2, false}}, {{"main", 2, true}}) {}

protected:
    clap_process_status process(const clap_process_t& process) override {
        for (uint32_t c = 0; float* out = output(process, 0, c); ++c) {
            const float* main = input(process, 0, c);
            const float* side = input(process, 1, c);
            for (uint32_t i = 0; i < process.frames_count; ++i)
                out[i] = (main ? main[i] : 0.0f) + (side ? side[i] : 0.0f);
        }
        return CLAP_PROCESS_CONTINUE;
    }
};

} // namespace

const PluginType sidechain_type = {&descriptor, &create<Sidechain>};

} // namespace scuff_test
