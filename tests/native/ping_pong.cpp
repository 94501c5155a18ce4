// scuff-ping-pong spin|futex ROUNDS: raw round trips between two processes over shared memory,
// with no scuff code in the way, one per line in ns: the baselines the cycle benchmark
// (tests/benchmarks/cycle_round_trip.py) compares a sandbox's round trip against.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string_view>
#include <vector>

#include "scuff/os/ipc_event.hpp"
#include "scuff/os/process.hpp"
#include "scuff/os/shared_memory.hpp"

namespace {

using namespace scuff;

enum class Mode { Spin, Futex };

struct PingPong {
    alignas(64) os::IpcEvent ping;
    alignas(64) os::IpcEvent pong;
};

// Waits for the event's sequence to pass `seen`, either spinning or sleeping at once.
void await(os::IpcEvent& event, uint32_t seen, Mode mode) {
    auto ready = [&] { return event.sequence.load(std::memory_order_acquire) != seen; };
    auto forever = os::Clock::now() + std::chrono::hours(1);
    auto spin_until = mode == Mode::Spin ? forever : os::Clock::time_point{};
    os::wait_for(event, ready, spin_until, forever);
}

// Forks a child that answers `rounds` pings; returns each round trip in ns.
std::vector<int64_t> ping_pong(Mode mode, uint32_t rounds) {
    auto memory = os::SharedMemory::create("scuff-ping-pong", sizeof(PingPong));
    auto* shared = new (memory.data()) PingPong();
    int child = os::run_in_child_process([&] {
        for (uint32_t i = 0; i < rounds; ++i) {
            await(shared->ping, i, mode);
            os::notify(shared->pong);
        }
    });
    std::vector<int64_t> durations;
    durations.reserve(rounds);
    for (uint32_t i = 0; i < rounds; ++i) {
        auto started = os::Clock::now();
        os::notify(shared->ping);
        await(shared->pong, i, mode);
        durations.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(os::Clock::now() - started).count());
    }
    os::wait_for_child(child);
    return durations;
}

} // namespace

int main(int argc, char** argv) {
    std::string_view mode = argc == 3 ? argv[1] : "";
    long rounds = argc == 3 ? std::strtol(argv[2], nullptr, 10) : 0;
    if ((mode != "spin" && mode != "futex") || rounds <= 0) {
        std::fprintf(stderr, "usage: scuff-ping-pong spin|futex ROUNDS\n");
        return 2;
    }
    for (int64_t ns : ping_pong(mode == "spin" ? Mode::Spin : Mode::Futex, static_cast<uint32_t>(rounds))) {
        std::printf("%lld\n", static_cast<long long>(ns));
    }
    return 0;
}
