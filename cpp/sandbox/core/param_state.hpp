#pragma once
// The state of a plugin that has no state extension: its parameter values, so that
// save and load still work for it. Little-endian: "SCUFFPV1", a uint32 count, then
// per parameter a uint32 id, 4 bytes of padding and a float64 value.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace scuff::sbox {

struct ParamValue {
    uint32_t id;
    double value;
};

std::vector<uint8_t> encode_param_state(std::span<const ParamValue> values);
// Nothing when `data` is not a parameter state.
std::optional<std::vector<ParamValue>> decode_param_state(std::span<const uint8_t> data);

} // namespace scuff::sbox
