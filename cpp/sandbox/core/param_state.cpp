#include "core/param_state.hpp"

#include <cstring>

namespace scuff::sbox {

namespace {

constexpr char kMagic[8] = {'S', 'C', 'U', 'F', 'F', 'P', 'V', '1'};
constexpr size_t kHeaderSize = sizeof kMagic + sizeof(uint32_t);
constexpr size_t kEntrySize = 16;

} // namespace

std::vector<uint8_t> encode_param_state(std::span<const ParamValue> values) {
    std::vector<uint8_t> data(kHeaderSize + values.size() * kEntrySize, 0);
    std::memcpy(data.data(), kMagic, sizeof kMagic);
    auto count = static_cast<uint32_t>(values.size());
    std::memcpy(data.data() + sizeof kMagic, &count, sizeof count);
    uint8_t* entry = data.data() + kHeaderSize;
    for (const auto& value : values) {
        std::memcpy(entry, &value.id, sizeof value.id);
        std::memcpy(entry + 8, &value.value, sizeof value.value);
        entry += kEntrySize;
    }
    return data;
}

std::optional<std::vector<ParamValue>> decode_param_state(std::span<const uint8_t> data) {
    if (data.size() < kHeaderSize || std::memcmp(data.data(), kMagic, sizeof kMagic) != 0) {
        return std::nullopt;
    }
    uint32_t count;
    std::memcpy(&count, data.data() + sizeof kMagic, sizeof count);
    if (data.size() != kHeaderSize + static_cast<size_t>(count) * kEntrySize) {
        return std::nullopt;
    }
    std::vector<ParamValue> values(count);
    const uint8_t* entry = data.data() + kHeaderSize;
    for (auto& value : values) {
        std::memcpy(&value.id, entry, sizeof value.id);
        std::memcpy(&value.value, entry + 8, sizeof value.value);
        entry += kEntrySize;
    }
    return values;
}

} // namespace scuff::sbox
