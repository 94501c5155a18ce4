#pragma once
// The state of a VST3 device: its component's and its controller's state in one blob, and
// the parameter values the host holds that may not have reached the component yet (some
// plugins take values only in blocks of audio). Little-endian: "SCUFFV3S" (kVst3StateMagic),
// a uint32 format version (2), the component's bytes and the controller's bytes, each after
// its uint64 length, then a uint64 count of (uint32 parameter id, float64 plain value). The
// magic lets a CLAP device refuse it and a VST3 device refuse anything else.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace scuff::sbox {

struct Vst3State {
    std::vector<uint8_t> component;
    std::vector<uint8_t> controller;
    std::vector<std::pair<uint32_t, double>> values;
};

std::vector<uint8_t> encode_vst3_state(const Vst3State& state);
// Nothing when `data` is not a whole VST3 device state.
std::optional<Vst3State> decode_vst3_state(std::span<const uint8_t> data);

} // namespace scuff::sbox
