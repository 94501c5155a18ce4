#pragma once
// Where the bar that holds the transport's position starts, for the formats that tell their
// plugins (CLAP's bar_start and bar_number, VST3's barPositionMusic).
#include <cmath>

#include "scuff/shared_layout.hpp"

namespace scuff::sbox {

struct BarPosition {
    // Counted from 0 at beat 0; negative before it.
    double number;
    double start_beats;
};

// Bars of 4 * numerator / denominator quarter notes, the unit the beat positions count in,
// as if the time signature had always been the current one (the transport knows no other).
// The time signature must be positive, as the audio thread checks.
inline BarPosition bar_position(const TransportState& transport) {
    double bar_beats = 4.0 * transport.time_signature_numerator / transport.time_signature_denominator;
    double number = std::floor(transport.position_beats / bar_beats);
    return {number, number * bar_beats};
}

} // namespace scuff::sbox
