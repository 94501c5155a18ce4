#pragma once

#include <array>
#include <cstdint>
#include <cstring>

// The host-callbacks plugin's state, the same for its CLAP and VST3 builds: 12 bytes,
// little-endian, "SCHC", uint32 version 1, the latency in frames as uint32.
namespace scuff_dsp {

inline constexpr size_t latency_state_size = 12;

inline std::array<uint8_t, latency_state_size> encode_latency_state(uint32_t latency) {
    std::array<uint8_t, latency_state_size> blob{'S', 'C', 'H', 'C', 1, 0, 0, 0};
    for (int i = 0; i < 4; ++i)
        blob[8 + i] = static_cast<uint8_t>(latency >> (8 * i));
    return blob;
}

// False for anything but a latency state whose value is at most max_latency.
inline bool decode_latency_state(const uint8_t (&blob)[latency_state_size], uint32_t max_latency, uint32_t& latency) {
    if (std::memcmp(blob, "SCHC\x01\x00\x00\x00", 8) != 0)
        return false;
    uint32_t value = 0;
    for (int i = 0; i < 4; ++i)
        value |= static_cast<uint32_t>(blob[8 + i]) << (8 * i);
    if (value > max_latency)
        return false;
    latency = value;
    return true;
}

} // namespace scuff_dsp
