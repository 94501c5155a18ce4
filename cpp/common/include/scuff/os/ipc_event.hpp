#pragma once
// A wake-up signal between processes over a word in shared memory (an "event count").
// The notifier publishes its data, then calls notify(); the waiter checks a condition
// on that data. Waiting spins first, because a sleeping round trip costs about 70 us
// on these machines against half a microsecond for a spinning one, then sleeps in
// the kernel until notified or until the deadline.
#include <atomic>
#include <chrono>
#include <cstdint>

namespace scuff::os {

using Clock = std::chrono::steady_clock;

struct IpcEvent {
    // Bumped by every notify(); the kernel sleeps on it.
    std::atomic<uint32_t> sequence{0};
    // How many waiters are in (or about to enter) the kernel: notify() skips the
    // system call when there are none.
    std::atomic<uint32_t> sleepers{0};
};
static_assert(std::atomic<uint32_t>::is_always_lock_free);

void notify(IpcEvent& event);

// Puts the calling thread to sleep while `event.sequence == seen`, for at most until
// `deadline`. Returns early on a notify or a spurious wake-up.
void sleep_while_unchanged(IpcEvent& event, uint32_t seen, Clock::time_point deadline);

// Lets another runnable thread have this core now.
void yield_processor();

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

// How long a waiter spins before it first lets other threads have its core.
inline constexpr auto kSpinBeforeYield = std::chrono::microseconds(2);

// Waits until `ready()` is true: spins until `spin_until`, then sleeps on `event`.
// Returns false when `deadline` passes first.
template <typename Ready>
bool wait_for(IpcEvent& event, Ready&& ready, Clock::time_point spin_until,
              Clock::time_point deadline) {
    if (ready()) {
        return true;
    }
    auto next_yield = Clock::now() + kSpinBeforeYield;
    for (uint32_t i = 1;;) {
        // Reading the clock costs more than a pause: look at it every few rounds.
        for (; (i & 63) != 0; ++i) {
            if (ready()) {
                return true;
            }
            cpu_relax();
        }
        ++i;
        auto now = Clock::now();
        if (now >= spin_until) {
            break;
        }
        // With more busy threads than cores, the thread we wait for may be waiting for
        // this core: past a short spin, hand the core over now and then.
        if (now >= next_yield) {
            yield_processor();
            next_yield = now + kSpinBeforeYield;
        }
    }
    for (;;) {
        uint32_t seen = event.sequence.load(std::memory_order_seq_cst);
        event.sleepers.fetch_add(1, std::memory_order_seq_cst);
        bool is_ready = ready();
        if (!is_ready) {
            if (Clock::now() >= deadline) {
                event.sleepers.fetch_sub(1, std::memory_order_seq_cst);
                return false;
            }
            sleep_while_unchanged(event, seen, deadline);
            is_ready = ready();
        }
        event.sleepers.fetch_sub(1, std::memory_order_seq_cst);
        if (is_ready) {
            return true;
        }
    }
}

} // namespace scuff::os
