#pragma once
// The first bytes of a VST3 device's state (vst3/state.hpp), which the sandbox writes itself
// around the plugin's own: a device of another format tells it from its plugin's bytes by
// them, and refuses it with an error that says what it is.
#include <algorithm>
#include <array>
#include <cstdint>
#include <span>

namespace scuff::sbox {

inline constexpr std::array<uint8_t, 8> kVst3StateMagic = {'S', 'C', 'U', 'F', 'F', 'V', '3', 'S'};

inline bool is_vst3_state(std::span<const uint8_t> data) {
    return data.size() >= kVst3StateMagic.size() && std::equal(kVst3StateMagic.begin(), kVst3StateMagic.end(), data.begin());
}

} // namespace scuff::sbox
