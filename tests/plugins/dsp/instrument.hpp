#pragma once

#include "params.hpp"

#include <array>
#include <cstdint>

namespace scuff_dsp {

// The test instrument: up to 16 cosine voices, one per (channel, key), with no attack and no release,
// so every output sample follows from the notes and parameters alone.
//
// A voice started at frame f (velocity v) outputs at frame f + n: v * 0.25 * Volume * cos(phase_n), in
// double, with phase_0 = 0 and phase_{n+1} = phase_n + 2 * pi * freq / sample_rate (accumulated in
// double, never wrapped), freq = 440 * 2^((key - 69 + 2 * Pitch Bend) / 12) as of the current Pitch Bend.
// A sample is the double sum of the voices, oldest note first, rounded once to float32; every output
// channel gets the same samples.
//
// A note-on for a sounding (channel, key) restarts that voice (as the newest); a 17th voice replaces the
// oldest. A note-on with velocity 0 is a note-off. A note-off or choke silences its voices from its
// frame on.
class Instrument {
public:
    enum ParamId : uint32_t { volume_param, bend_param };
    static constexpr ParamDef param_defs[] = {
        {volume_param, "Volume", "", 0.0, 1.0, 1.0, false, 3},
        {bend_param, "Pitch Bend", "", -1.0, 1.0, 0.0, false, 3},
    };
    static constexpr int max_voices = 16;

    ParamValues<2> params{param_defs, "SCIN"};

    // Silences every voice; the parameters stay.
    void activate(double sample_rate);
    void stop_all() { voice_count_ = 0; }

    void note_on(int channel, int key, int32_t note_id, double velocity);
    // -1 in any field matches every voice.
    void note_off(int channel, int key, int32_t note_id);

    // Note on (0x9n) and off (0x8n, or 0x9n with velocity 0), CC 7 (Volume = value / 127), pitch bend
    // (Pitch Bend = (value - 8192) / 8192) and CC 123 (all notes of that channel off). Returns the id of
    // a parameter the message changed, or -1.
    int midi(const uint8_t data[3]);

    // Sets a parameter from its event; Pitch Bend retunes the sounding voices from this frame on.
    void set_param(uint32_t id, double value);

    // Frames [start, end) of every channel in `outputs` (null channels are skipped).
    void render(float* const* outputs, uint32_t channel_count, uint32_t start, uint32_t end);

private:
    struct Voice {
        int channel;
        int key;
        int32_t note_id;
        double velocity;
        double phase;
        double increment;
    };

    double increment_of(int key) const;
    void remove(int index);

    double sample_rate_ = 48000.0;
    std::array<Voice, max_voices> voices_{};
    int voice_count_ = 0;
};

} // namespace scuff_dsp
