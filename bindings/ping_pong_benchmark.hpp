#pragma once
// Raw round trips between two processes over shared memory, with no scuff code in
// the way: the baselines that the empty-cycle benchmark is compared against.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace scuff::native {

enum class PingPongMode { Spin, Futex };

// Forks a child that answers `rounds` pings; returns each round trip in ns.
std::vector<int64_t> raw_ping_pong(PingPongMode mode, size_t rounds);

} // namespace scuff::native
