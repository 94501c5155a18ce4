#include "audio_buffers.hpp"
#include "class_ids.hpp"
#include "classes.hpp"
#include "component.hpp"
#include "edit_controller.hpp"

#include <array>

namespace scuff_vst3 {

namespace {

constexpr int32 delay = 64;

// Delays by 64 samples and reports `reported`: the honest one exactly its delay, so a host's latency
// compensation can be checked sample for sample; the lying one less, for a validator to catch the lie.
template <uint32 reported>
class Latency : public EditControllerOf<Component> {
public:
    static constexpr int32 channels = 2;

    Latency() : EditControllerOf(nullptr, 0, nullptr, main_bus(channels), main_bus(channels)) {}

protected:
    uint32 latency() override { return reported; }

    void on_active(bool active) override {
        if (active)
            clear();
    }

    void on_processing(bool processing) override {
        if (processing)
            clear();
    }

    void process_block(ProcessData& data) override {
        for (int32 c = 0; c < channels; ++c) {
            const float* in = input(data, 0, c);
            float* out = output(data, 0, c);
            auto& line = lines_[c];
            int32 position = position_;
            for (int32 i = 0; i < data.numSamples; ++i) {
                // Read before writing: the host may process in place.
                const float delayed = line[position];
                line[position] = in ? in[i] : 0.0f;
                if (out)
                    out[i] = delayed;
                position = (position + 1) % delay;
            }
        }
        position_ = (position_ + data.numSamples) % delay;
    }

private:
    void clear() {
        for (auto& line : lines_)
            line.fill(0.0f);
        position_ = 0;
    }

    std::array<std::array<float, delay>, channels> lines_{};
    int32 position_ = 0;
};

} // namespace

const ClassEntry latency_class = {latency_cid, kVstAudioEffectClass, "Test Latency", "Fx|Delay|Stereo",
                                  &create<Latency<delay>>};
const ClassEntry lying_latency_class = {lying_latency_cid, kVstAudioEffectClass, "Test Lying Latency",
                                        "Fx|Delay|Stereo", &create<Latency<16>>};

} // namespace scuff_vst3
