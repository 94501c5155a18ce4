#include "plugin_types.hpp"

#include <array>

namespace scuff_test {

namespace {

const char* features[] = {CLAP_PLUGIN_FEATURE_AUDIO_EFFECT, CLAP_PLUGIN_FEATURE_STEREO, CLAP_PLUGIN_FEATURE_DELAY,
                          nullptr};
constexpr clap_plugin_descriptor_t descriptor = describe("org.scuff.test.latency", "Test Latency", features);
constexpr clap_plugin_descriptor_t lying_descriptor =
    describe("org.scuff.test.lying-latency", "Test Lying Latency", features);

// Delays by `delay` samples and reports `reported`. The honest one reports exactly its delay, so a host's
// latency compensation can be checked sample for sample; the lying one lets an inspector catch the lie.
template <const clap_plugin_descriptor_t* Descriptor, uint32_t Reported>
class Latency : public Plugin {
public:
    static constexpr uint32_t delay = 64;
    static constexpr uint32_t channels = 2;

    Latency() : Plugin(Descriptor, {{"main", channels, true}}, {{"main", channels, true}}) {}

protected:
    bool activate() override {
        reset();
        return true;
    }

    void reset() override {
        for (auto& line : lines_)
            line.fill(0.0f);
        position_ = 0;
    }

    clap_process_status process(const clap_process_t& process) override {
        for (uint32_t c = 0; c < channels; ++c) {
            const float* in = input(process, 0, c);
            float* out = output(process, 0, c);
            auto& line = lines_[c];
            uint32_t position = position_;
            for (uint32_t i = 0; i < process.frames_count; ++i) {
                // Read before writing: the host may process in place.
                const float delayed = line[position];
                line[position] = in ? in[i] : 0.0f;
                if (out)
                    out[i] = delayed;
                position = (position + 1) % delay;
            }
        }
        position_ = (position_ + process.frames_count) % delay;
        return CLAP_PROCESS_CONTINUE;
    }

    const void* extension(const char* id) override {
        return std::strcmp(id, CLAP_EXT_LATENCY) == 0 ? &latency_ext : nullptr;
    }

    uint32_t latency() override { return Reported; }

private:
    std::array<std::array<float, delay>, channels> lines_{};
    uint32_t position_ = 0;
};

} // namespace

const PluginType latency_type = {&descriptor, &create<Latency<&descriptor, 64>>};
const PluginType lying_latency_type = {&lying_descriptor, &create<Latency<&lying_descriptor, 16>>};

} // namespace scuff_test
