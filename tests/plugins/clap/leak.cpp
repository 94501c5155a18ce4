#include "passthrough.hpp"
#include "plugin_types.hpp"

#include <cstdlib>

namespace scuff_test {

namespace {

const char* features[] = {CLAP_PLUGIN_FEATURE_AUDIO_EFFECT, CLAP_PLUGIN_FEATURE_STEREO, nullptr};
constexpr clap_plugin_descriptor_t descriptor = describe("org.scuff.test.leak", "Test Leak", features);

constexpr size_t leak_bytes = 1 << 20;
constexpr size_t page_bytes = 4096;

// Grows the host's resident memory by 1 MiB per process call, for memory-limit tests.
class Leak : public Passthrough {
public:
    Leak() : Passthrough(&descriptor) {}

protected:
    clap_process_status process(const clap_process_t& process) override {
        // Volatile stores so every page is really committed and the unused allocation cannot be elided.
        if (auto* bytes = static_cast<volatile char*>(std::malloc(leak_bytes)))
            for (size_t i = 0; i < leak_bytes; i += page_bytes)
                bytes[i] = 1;
        return Passthrough::process(process);
    }
};

} // namespace

const PluginType leak_type = {&descriptor, &create<Leak>};

} // namespace scuff_test
