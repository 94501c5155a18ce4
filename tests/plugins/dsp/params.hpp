#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

// Format-neutral parts of the test plugins, shared by their CLAP and VST3 wrappers so both builds of a
// plugin give the same samples and events.
namespace scuff_dsp {

// One parameter in plain units. A stepped parameter has integer values from min to max.
struct ParamDef {
    uint32_t id;
    const char* name;
    const char* unit;
    double min;
    double max;
    double default_value;
    bool stepped;
    // Decimals of its display text.
    int decimals;
};

// The current values of a fixed table of parameters whose ids are 0..N-1. Written by the audio thread
// (parameter events) and the main thread (state load), hence atomic.
//
// The state of a plugin built on it is 8 + 8 * N bytes, little-endian: a 4-character magic, uint32
// version 1, then each value as float64 in id order.
template <size_t N>
class ParamValues {
public:
    static constexpr size_t state_size = 8 + 8 * N;

    ParamValues(const ParamDef (&defs)[N], const char (&magic)[5]) : defs_(defs) {
        std::memcpy(magic_, magic, 4);
        for (size_t i = 0; i < N; ++i)
            values_[i] = defs[i].default_value;
    }

    static constexpr size_t count() { return N; }
    const ParamDef& def(size_t index) const { return defs_[index]; }
    const ParamDef* find(uint32_t id) const { return id < N ? &defs_[id] : nullptr; }

    double get(uint32_t id) const { return id < N ? values_[id].load() : 0.0; }

    // Clamped to the range, rounded if stepped; non-finite values and unknown ids are ignored.
    // Returns whether the id is known and the value finite.
    bool set(uint32_t id, double value) {
        if (id >= N || !std::isfinite(value))
            return false;
        values_[id] = conform(defs_[id], value);
        return true;
    }

    static double conform(const ParamDef& def, double value) {
        const double clamped = std::clamp(value, def.min, def.max);
        return def.stepped ? std::round(clamped) : clamped;
    }

    void save(uint8_t (&blob)[state_size]) const {
        std::memcpy(blob, magic_, 4);
        put_le(blob + 4, version, 4);
        for (size_t i = 0; i < N; ++i) {
            const double value = values_[i];
            uint64_t bits;
            std::memcpy(&bits, &value, sizeof(bits));
            put_le(blob + 8 + 8 * i, bits, 8);
        }
    }

    // All or nothing: a blob with another magic or version, or any value out of range, changes nothing.
    bool load(const uint8_t (&blob)[state_size]) {
        std::array<double, N> loaded;
        if (!decode(blob, loaded))
            return false;
        for (size_t i = 0; i < N; ++i)
            values_[i] = loaded[i];
        return true;
    }

    // The values a blob holds, without adopting them.
    bool decode(const uint8_t (&blob)[state_size], std::array<double, N>& values) const {
        if (std::memcmp(blob, magic_, 4) != 0 || get_le(blob + 4, 4) != version)
            return false;
        for (size_t i = 0; i < N; ++i) {
            const uint64_t bits = get_le(blob + 8 + 8 * i, 8);
            double value;
            std::memcpy(&value, &bits, sizeof(value));
            if (!std::isfinite(value) || value != conform(defs_[i], value))
                return false;
            values[i] = value;
        }
        return true;
    }

private:
    static constexpr uint32_t version = 1;

    static void put_le(uint8_t* out, uint64_t value, int bytes) {
        for (int i = 0; i < bytes; ++i)
            out[i] = static_cast<uint8_t>(value >> (8 * i));
    }

    static uint64_t get_le(const uint8_t* in, int bytes) {
        uint64_t value = 0;
        for (int i = 0; i < bytes; ++i)
            value |= static_cast<uint64_t>(in[i]) << (8 * i);
        return value;
    }

    const ParamDef (&defs_)[N];
    char magic_[4];
    std::array<std::atomic<double>, N> values_;
};

} // namespace scuff_dsp
