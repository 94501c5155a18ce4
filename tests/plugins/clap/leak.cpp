#include "../dsp/process_faults.hpp"
#include "passthrough.hpp"
#include "plugin_types.hpp"

namespace scuff_test {

namespace {

const char* features[] = {CLAP_PLUGIN_FEATURE_AUDIO_EFFECT, CLAP_PLUGIN_FEATURE_STEREO, nullptr};
constexpr clap_plugin_descriptor_t descriptor = describe("org.scuff.test.leak", "Test Leak", features);

// Grows the host's resident memory by 1 MiB per process call, for memory-limit tests.
class Leak : public Passthrough {
public:
    Leak() : Passthrough(&descriptor) {}

protected:
    clap_process_status process(const clap_process_t& process) override {
        scuff_dsp::leak_one_block();
        return Passthrough::process(process);
    }
};

} // namespace

const PluginType leak_type = {&descriptor, &create<Leak>};

} // namespace scuff_test
