#pragma once
// Plain values (what scuff's client speaks) and VST3's normalized ones, converted on the
// audio thread, where the controller's own conversions may not be called. Each
// parameter's mapping is sampled from the controller on the main thread: a linear one
// (by far the most common) is converted exactly, any other through a table.
#include <array>
#include <functional>

#include "pluginterfaces/vst/vsttypes.h"

namespace scuff::sbox {

class Vst3ParamMapping {
public:
    static constexpr int kTableSize = 257;

    Vst3ParamMapping() = default;
    // Main thread: `to_plain` is the controller's normalizedParamToPlain for one parameter.
    explicit Vst3ParamMapping(const std::function<double(double)>& to_plain);

    // Audio thread.
    double to_normalized(double plain) const;
    double to_plain(double normalized) const;

private:
    bool linear_ = true;
    double at_zero_ = 0.0;
    double at_one_ = 1.0;
    std::array<double, kTableSize> table_{};
};

} // namespace scuff::sbox
