#pragma once
// The most parameters a sandbox hosts on one device, whatever its format: far beyond any
// real plugin, and a bound on what a lying plugin can make the sandbox and the client
// allocate. The client checks every device description against the same number
// (scuff._native.MAX_PARAMS).
#include <cstdint>

namespace scuff {

inline constexpr uint32_t kMaxParams = 100'000;

} // namespace scuff
