#pragma once

#include "params.hpp"

#include <cstdint>

namespace scuff_dsp {

// The test note generator. With t counting the frames processed since activation (0 at the first),
// it plays at every t with t % Interval == 0 a note-on (channel 0, key Key, velocity Velocity, note id
// the note's index counted from 0 since activation), and at every t with t % Interval == Length the
// note-off (velocity 0) of the most recent note-on, with its key and note id, unless already ended.
// Length >= Interval therefore means no note-offs; Length 0 ends each note at the frame it starts,
// after its note-on. Parameter changes take effect at their frame.
class NoteGenerator {
public:
    enum ParamId : uint32_t { interval_param, length_param, key_param, velocity_param };
    static constexpr ParamDef param_defs[] = {
        {interval_param, "Interval", "samples", 1.0, 48000.0, 1000.0, true, 0},
        {length_param, "Length", "samples", 0.0, 48000.0, 500.0, true, 0},
        {key_param, "Key", "", 0.0, 127.0, 60.0, true, 0},
        {velocity_param, "Velocity", "", 0.0, 1.0, 0.8, false, 3},
    };

    struct Note {
        bool on;
        // Within the block.
        uint32_t frame;
        int key;
        int32_t note_id;
        double velocity;
    };

    ParamValues<4> params{param_defs, "SCNG"};

    void activate() {
        t_ = 0;
        next_id_ = 0;
        sounding_ = false;
    }

    // The notes of frames [start, end) of the block, in time order, through emit(const Note&). Blocks
    // must be generated whole and in order, as t advances with every frame.
    template <class Emit>
    void generate(uint32_t start, uint32_t end, Emit emit) {
        const uint64_t interval = static_cast<uint64_t>(params.get(interval_param));
        const uint64_t length = static_cast<uint64_t>(params.get(length_param));
        for (uint32_t frame = start; frame < end; ++frame, ++t_) {
            const uint64_t phase = t_ % interval;
            if (phase == 0) {
                last_ = {true, frame, static_cast<int>(params.get(key_param)), next_id_++,
                         params.get(velocity_param)};
                sounding_ = true;
                emit(last_);
            }
            if (phase == length && sounding_) {
                sounding_ = false;
                emit(Note{false, frame, last_.key, last_.note_id, 0.0});
            }
        }
    }

private:
    uint64_t t_ = 0;
    int32_t next_id_ = 0;
    bool sounding_ = false;
    Note last_{};
};

} // namespace scuff_dsp
