#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>

// The gain's state, the same for its CLAP and VST3 builds: 16 bytes, little-endian, "SCGN",
// uint32 version 1, the gain in dB as float64.
namespace scuff_dsp {

inline constexpr size_t gain_state_size = 16;

inline std::array<uint8_t, gain_state_size> encode_gain_state(double gain_db) {
    std::array<uint8_t, gain_state_size> blob{'S', 'C', 'G', 'N', 1, 0, 0, 0};
    uint64_t bits;
    std::memcpy(&bits, &gain_db, sizeof(bits));
    for (int i = 0; i < 8; ++i)
        blob[8 + i] = static_cast<uint8_t>(bits >> (8 * i));
    return blob;
}

// False for anything but a gain state whose value lies within [min_db, max_db].
inline bool decode_gain_state(const uint8_t (&blob)[gain_state_size], double min_db, double max_db, double& gain_db) {
    if (std::memcmp(blob, "SCGN\x01\x00\x00\x00", 8) != 0)
        return false;
    uint64_t bits = 0;
    for (int i = 0; i < 8; ++i)
        bits |= static_cast<uint64_t>(blob[8 + i]) << (8 * i);
    double value;
    std::memcpy(&value, &bits, sizeof(value));
    if (!std::isfinite(value) || value < min_db || value > max_db)
        return false;
    gain_db = value;
    return true;
}

} // namespace scuff_dsp
