#pragma once

#include <cstdint>

namespace scuff_dsp {

// What a host said about its transport, in either format's terms, as of one frame of the block.
struct Transport {
    bool has_tempo = false;
    double tempo = 0.0;  // beats per minute
    bool has_beats = false;
    double beats = 0.0;
    bool has_seconds = false;
    double seconds = 0.0;
    bool playing = false;
    bool has_time_signature = false;
    int numerator = 0;
    int denominator = 0;
    bool loop_active = false;
    double loop_start_beats = 0.0;
};

// The test transport probe writes 8 channels, each sample computed in double and rounded to float32:
//   0 tempo (0 when unknown)
//   1 position in beats: start + n * (tempo / 60 / sample_rate) while playing, start when stopped
//     (0 when unknown), where n counts the frames since the frame the transport describes
//   2 position in seconds: start + n / sample_rate while playing, start when stopped (0 when unknown)
//   3 1 while playing, else 0
//   4, 5 time signature numerator and denominator (0 when unknown)
//   6 loop start in beats while a loop is active, else -1
//   7 1 when the host renders offline, else 0
constexpr int probe_channels = 8;

// Frames [start, end) of `outputs` (8 channels, null ones skipped), `transport` describing frame `origin`.
inline void write_probe(const Transport& transport, bool offline, double sample_rate, float* const* outputs,
                        uint32_t start, uint32_t end, uint32_t origin) {
    const double tempo = transport.has_tempo ? transport.tempo : 0.0;
    const double beats_per_frame = transport.playing ? tempo / 60.0 / sample_rate : 0.0;
    const bool advancing = transport.playing && sample_rate > 0.0;
    const double constant[probe_channels] = {
        tempo,
        0.0,
        0.0,
        transport.playing ? 1.0 : 0.0,
        transport.has_time_signature ? static_cast<double>(transport.numerator) : 0.0,
        transport.has_time_signature ? static_cast<double>(transport.denominator) : 0.0,
        transport.loop_active ? transport.loop_start_beats : -1.0,
        offline ? 1.0 : 0.0,
    };
    for (int c = 0; c < probe_channels; ++c) {
        float* out = outputs[c];
        if (!out)
            continue;
        for (uint32_t frame = start; frame < end; ++frame) {
            const double n = static_cast<double>(frame) - static_cast<double>(origin);
            double value = constant[c];
            if (c == 1 && transport.has_beats)
                value = transport.beats + (advancing ? n * beats_per_frame : 0.0);
            else if (c == 2 && transport.has_seconds)
                value = transport.seconds + (advancing ? n / sample_rate : 0.0);
            out[frame] = static_cast<float>(value);
        }
    }
}

} // namespace scuff_dsp
