#include "plugin_types.hpp"

namespace scuff_test {

namespace {

const char* features[] = {CLAP_PLUGIN_FEATURE_AUDIO_EFFECT, CLAP_PLUGIN_FEATURE_MONO, CLAP_PLUGIN_FEATURE_UTILITY,
                          nullptr};
constexpr clap_plugin_descriptor_t descriptor = describe("org.scuff.test.mono", "Test Mono", features);

// One channel in, one out, for tests of channel-count handling.
class Mono : public Plugin {
public:
    Mono() : Plugin(&descriptor, {{"main", 1, true}}, {{"main", 1, true}}) {}

protected:
    clap_process_status process(const clap_process_t& process) override {
        copy_main(process, 0, process.frames_count);
        return CLAP_PROCESS_CONTINUE;
    }
};

} // namespace

const PluginType mono_type = {&descriptor, &create<Mono>};

} // namespace scuff_test
