#pragma once

#include <cstdint>

// The plugins a host should refuse once it has created them, the same in both formats.
namespace scuff_dsp {

// One more parameter than a sandbox hosts (scuff._native.MAX_PARAMS).
constexpr uint32_t too_many_params = 100'001;

} // namespace scuff_dsp
