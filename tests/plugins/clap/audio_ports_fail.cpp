#include "../dsp/refused.hpp"
#include "passthrough.hpp"
#include "plugin_types.hpp"

namespace scuff_test {

namespace {

const char* features[] = {CLAP_PLUGIN_FEATURE_AUDIO_EFFECT, CLAP_PLUGIN_FEATURE_STEREO, nullptr};
constexpr clap_plugin_descriptor_t descriptor =
    describe("org.scuff.test.audio-ports-fail", "Test Audio Ports Fail", features);

// Initialises, then says it has a stereo port in each direction and fails to describe any of them.
class AudioPortsFail : public Passthrough {
public:
    AudioPortsFail() : Passthrough(&descriptor) {}

protected:
    const void* extension(const char* id) override {
        return std::strcmp(id, CLAP_EXT_AUDIO_PORTS) == 0 ? &failing_ports : Passthrough::extension(id);
    }

private:
    static const clap_plugin_audio_ports_t failing_ports;
    scuff_dsp::Counted counted_;
};

const clap_plugin_audio_ports_t AudioPortsFail::failing_ports = {
    [](const clap_plugin_t*, bool) { return 1u; },
    [](const clap_plugin_t*, uint32_t, bool, clap_audio_port_info_t*) { return false; },
};

} // namespace

const PluginType audio_ports_fail_type = {&descriptor, &create<AudioPortsFail>};

} // namespace scuff_test
