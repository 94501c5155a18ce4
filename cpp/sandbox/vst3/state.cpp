#include "vst3/state.hpp"

#include <algorithm>
#include <cstring>

#include "core/vst3_state_magic.hpp"

namespace scuff::sbox {

namespace {

constexpr uint32_t kVersion = 2;
// Far more parameters than any plugin has; a count beyond it is a corrupt state.
constexpr uint64_t kMaxValues = 1 << 20;

void put(std::vector<uint8_t>& out, uint64_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) {
        out.push_back(static_cast<uint8_t>(value >> (8 * i)));
    }
}

// Reads little-endian fields and byte runs, refusing to go past the end.
struct Reader {
    std::span<const uint8_t> data;
    size_t position = 0;

    std::optional<uint64_t> number(int bytes) {
        if (data.size() - position < static_cast<size_t>(bytes)) {
            return std::nullopt;
        }
        uint64_t value = 0;
        for (int i = 0; i < bytes; ++i) {
            value |= static_cast<uint64_t>(data[position + i]) << (8 * i);
        }
        position += bytes;
        return value;
    }

    std::optional<std::vector<uint8_t>> run() {
        auto size = number(8);
        if (!size || *size > data.size() - position) {
            return std::nullopt;
        }
        std::vector<uint8_t> bytes(data.begin() + position, data.begin() + position + *size);
        position += *size;
        return bytes;
    }
};

} // namespace

std::vector<uint8_t> encode_vst3_state(const Vst3State& state) {
    std::vector<uint8_t> out(kVst3StateMagic.begin(), kVst3StateMagic.end());
    put(out, kVersion, 4);
    put(out, state.component.size(), 8);
    out.insert(out.end(), state.component.begin(), state.component.end());
    put(out, state.controller.size(), 8);
    out.insert(out.end(), state.controller.begin(), state.controller.end());
    put(out, state.values.size(), 8);
    for (const auto& [id, value] : state.values) {
        uint64_t bits;
        std::memcpy(&bits, &value, sizeof bits);
        put(out, id, 4);
        put(out, bits, 8);
    }
    return out;
}

std::optional<Vst3State> decode_vst3_state(std::span<const uint8_t> data) {
    if (!is_vst3_state(data)) {
        return std::nullopt;
    }
    Reader reader{data, kVst3StateMagic.size()};
    auto version = reader.number(4);
    if (!version || *version != kVersion) {
        return std::nullopt;
    }
    auto component = reader.run();
    auto controller = component ? reader.run() : std::nullopt;
    auto count = controller ? reader.number(8) : std::nullopt;
    if (!count || *count > kMaxValues || *count * 12 != data.size() - reader.position) {
        return std::nullopt;
    }
    Vst3State state{std::move(*component), std::move(*controller), {}};
    for (uint64_t i = 0; i < *count; ++i) {
        auto id = reader.number(4);
        auto bits = reader.number(8);
        double value;
        std::memcpy(&value, &*bits, sizeof value);
        state.values.emplace_back(static_cast<uint32_t>(*id), value);
    }
    return state;
}

} // namespace scuff::sbox
