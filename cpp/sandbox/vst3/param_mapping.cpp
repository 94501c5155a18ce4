#include "vst3/param_mapping.hpp"

#include <algorithm>
#include <cmath>

namespace scuff::sbox {

Vst3ParamMapping::Vst3ParamMapping(const std::function<double(double)>& to_plain) {
    for (int i = 0; i < kTableSize; ++i) {
        table_[i] = to_plain(static_cast<double>(i) / (kTableSize - 1));
    }
    at_zero_ = table_.front();
    at_one_ = table_.back();
    double span = at_one_ - at_zero_;
    double tolerance = 1e-9 * std::max(1.0, std::abs(span));
    for (int i = 0; i < kTableSize && linear_; ++i) {
        double expected = at_zero_ + span * (static_cast<double>(i) / (kTableSize - 1));
        linear_ = std::isfinite(table_[i]) && std::abs(table_[i] - expected) <= tolerance;
    }
}

double Vst3ParamMapping::to_normalized(double plain) const {
    if (linear_) {
        double span = at_one_ - at_zero_;
        return span == 0.0 ? 0.0 : std::clamp((plain - at_zero_) / span, 0.0, 1.0);
    }
    // A table that rises or falls: find the segment holding `plain`, interpolate within it.
    bool rising = at_one_ >= at_zero_;
    auto before = [rising](double entry, double value) { return rising ? entry < value : entry > value; };
    auto found = std::lower_bound(table_.begin(), table_.end(), plain, before);
    if (found == table_.begin()) return 0.0;
    if (found == table_.end()) return 1.0;
    auto index = static_cast<int>(found - table_.begin());
    double low = table_[index - 1], high = table_[index];
    double within = high == low ? 0.0 : (plain - low) / (high - low);
    return (index - 1 + within) / (kTableSize - 1);
}

double Vst3ParamMapping::to_plain(double normalized) const {
    normalized = std::clamp(normalized, 0.0, 1.0);
    if (linear_) {
        return at_zero_ + (at_one_ - at_zero_) * normalized;
    }
    double position = normalized * (kTableSize - 1);
    int index = std::min(static_cast<int>(position), kTableSize - 2);
    double within = position - index;
    return table_[index] + (table_[index + 1] - table_[index]) * within;
}

} // namespace scuff::sbox
