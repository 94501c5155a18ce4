#pragma once

#include "../dsp/param_text.hpp"
#include "text16.hpp"

#include "pluginterfaces/vst/ivsteditcontroller.h"
#include "pluginterfaces/vst/ivstunits.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace scuff_vst3 {

using Steinberg::int32;
using Steinberg::Vst::ParamID;
using Steinberg::Vst::ParameterInfo;
using Steinberg::Vst::ParamValue;

// One parameter as the host sees it. Plain values run linearly from min to max; a stepped
// parameter has step_count = max - min and integer plain values.
struct ParamSpec {
    ParamID id;
    const char* title;
    const char* units;
    double min;
    double max;
    double default_plain;
    int32 step_count;
    int32 flags;
    int decimals;
    // Display names of a stepped parameter's values, or null to show numbers.
    const char* const* value_names = nullptr;
};

inline double to_plain(const ParamSpec& spec, ParamValue normalized) {
    const double clamped = std::isfinite(normalized) ? std::clamp(normalized, 0.0, 1.0) : 0.0;
    if (spec.step_count > 0)
        return spec.min + std::round(clamped * spec.step_count) * (spec.max - spec.min) / spec.step_count;
    return spec.min + clamped * (spec.max - spec.min);
}

inline ParamValue to_normalized(const ParamSpec& spec, double plain) {
    if (!std::isfinite(plain))
        return 0.0;
    return (std::clamp(plain, spec.min, spec.max) - spec.min) / (spec.max - spec.min);
}

// `title` overrides the spec's, for parameters that can be renamed.
inline void fill_info(const ParamSpec& spec, ParameterInfo& info, const char* title = nullptr) {
    info = ParameterInfo{};
    info.id = spec.id;
    copy16(info.title, title ? title : spec.title);
    copy16(info.shortTitle, title ? title : spec.title);
    copy16(info.units, spec.units);
    info.stepCount = spec.step_count;
    info.defaultNormalizedValue = to_normalized(spec, spec.default_plain);
    info.unitId = Steinberg::Vst::kRootUnitId;
    info.flags = spec.flags;
}

// Numbers only: the unit is in ParameterInfo::units, where hosts expect it.
inline bool value_to_string(const ParamSpec& spec, ParamValue normalized, Steinberg::Vst::String128 text) {
    const double plain = to_plain(spec, normalized);
    char display[128];
    if (spec.value_names)
        std::snprintf(display, sizeof(display), "%s", spec.value_names[static_cast<int>(plain - spec.min)]);
    else if (!scuff_test::format_number(plain, spec.decimals, "", display, sizeof(display)))
        return false;
    copy16(text, 128, display);
    return true;
}

// Accepts what value_to_string writes, with or without the unit, and a stepped parameter's value names.
inline bool string_to_value(const ParamSpec& spec, const Steinberg::Vst::TChar* text, ParamValue& normalized) {
    const std::string display = narrow(text);
    if (spec.value_names) {
        for (int32 step = 0; step <= spec.step_count; ++step) {
            if (display == spec.value_names[step]) {
                normalized = static_cast<double>(step) / spec.step_count;
                return true;
            }
        }
    }
    double plain;
    if (!scuff_test::parse_number(display.c_str(), spec.units, plain) || plain < spec.min || plain > spec.max)
        return false;
    normalized = to_normalized(spec, plain);
    return true;
}

} // namespace scuff_vst3
