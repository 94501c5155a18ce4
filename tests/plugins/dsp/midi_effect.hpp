#pragma once

#include "params.hpp"

#include <cstdint>

namespace scuff_dsp {

// The test MIDI effect: every note-on, note-off and choke goes out at its own frame with its key
// transposed by the Transpose in effect at that frame, and is dropped if that key leaves 0..127. Key -1
// (a CLAP wildcard) passes unchanged. Anything else is dropped.
class MidiEffect {
public:
    enum ParamId : uint32_t { transpose_param };
    static constexpr ParamDef param_defs[] = {
        {transpose_param, "Transpose", "semitones", -24.0, 24.0, 12.0, true, 0},
    };

    ParamValues<1> params{param_defs, "SCMF"};

    // False when the transposed key is out of range, so the note must be dropped.
    bool transpose(int key, int& out) const {
        if (key == -1) {
            out = -1;
            return true;
        }
        out = key + static_cast<int>(params.get(transpose_param));
        return key >= 0 && key <= 127 && out >= 0 && out <= 127;
    }
};

} // namespace scuff_dsp
