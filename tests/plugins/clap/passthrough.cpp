#include "passthrough.hpp"
#include "plugin_types.hpp"

namespace scuff_test {

namespace {

const char* features[] = {CLAP_PLUGIN_FEATURE_AUDIO_EFFECT, CLAP_PLUGIN_FEATURE_STEREO, CLAP_PLUGIN_FEATURE_UTILITY,
                          nullptr};
constexpr clap_plugin_descriptor_t descriptor = describe("org.scuff.test.passthrough", "Test Passthrough", features);

} // namespace

const PluginType passthrough_type = {
    &descriptor,
    [](const clap_host_t*) { return (new Passthrough(&descriptor))->clap(); },
};

} // namespace scuff_test
