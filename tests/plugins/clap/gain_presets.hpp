#pragma once
// The preset format of the preset gain: a file holding "scuff-test-gain-preset" and "gain=<dB>"
// on two lines, and its built-in presets by load key. Shared by the plugin (preset_gain.cpp) and
// its preset discovery provider (preset_discovery.cpp).
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace scuff_test {

constexpr char gain_preset_extension[] = "gainpreset";
constexpr char preset_gain_id[] = "org.scuff.test.preset-gain";

struct BuiltInGainPreset {
    const char* load_key;
    const char* name;
    double gain_db;
};
constexpr BuiltInGainPreset built_in_gain_presets[] = {
    {"unity", "Unity", 0.0}, {"quiet", "Quiet", -20.0}, {"loud", "Loud", 12.0}};

// The gain a preset file holds; on failure, why (and errno when a system call failed).
struct GainPresetRead {
    bool ok = false;
    double gain_db = 0.0;
    int os_error = 0;
    std::string error;
};

inline GainPresetRead read_gain_preset(const char* path, double min_db, double max_db) {
    GainPresetRead result;
    std::FILE* file = std::fopen(path, "rb");
    if (!file) {
        result.os_error = errno;
        result.error = std::string("cannot open ") + path;
        return result;
    }
    char magic[64] = {};
    char value[64] = {};
    bool read = std::fgets(magic, sizeof magic, file) && std::fgets(value, sizeof value, file);
    std::fclose(file);
    char* end = nullptr;
    double gain = read && std::strncmp(value, "gain=", 5) == 0 ? std::strtod(value + 5, &end) : NAN;
    if (!read || std::strcmp(magic, "scuff-test-gain-preset\n") != 0 || end == value + 5 || !std::isfinite(gain) ||
        gain < min_db || gain > max_db) {
        result.error = std::string(path) + " is not a Test Preset Gain preset";
        return result;
    }
    result.ok = true;
    result.gain_db = gain;
    return result;
}

} // namespace scuff_test
