#include "ping_pong_benchmark.hpp"

#include <atomic>
#include <chrono>
#include <new>
#include <stdexcept>

#include "scuff/os/ipc_event.hpp"
#include "scuff/os/process.hpp"
#include "scuff/os/shared_memory.hpp"

namespace scuff::native {

namespace {

struct PingPong {
    alignas(64) os::IpcEvent ping;
    alignas(64) os::IpcEvent pong;
};

// Waits for the event's sequence to pass `seen`, either spinning or sleeping at once.
void await(os::IpcEvent& event, uint32_t seen, PingPongMode mode) {
    auto ready = [&] { return event.sequence.load(std::memory_order_acquire) != seen; };
    auto forever = os::Clock::now() + std::chrono::hours(1);
    auto spin_until = mode == PingPongMode::Spin ? forever : os::Clock::time_point{};
    os::wait_for(event, ready, spin_until, forever);
}

} // namespace

std::vector<int64_t> raw_ping_pong(PingPongMode mode, size_t rounds) {
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
        durations.push_back(
            std::chrono::duration_cast<std::chrono::nanoseconds>(os::Clock::now() - started).count());
    }
    os::wait_for_child(child);
    return durations;
}

} // namespace scuff::native
