#include "scuff/os/ipc_event.hpp"

#include <climits>
#include <ctime>

#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace scuff::os {

namespace {

// Shared (not FUTEX_PRIVATE) operations: the word lives in memory mapped by two processes.
long futex(std::atomic<uint32_t>* word, int op, uint32_t value, const timespec* timeout) {
    return syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), op, value, timeout, nullptr, 0);
}

} // namespace

void yield_processor() { sched_yield(); }

void notify(IpcEvent& event) {
    event.sequence.fetch_add(1, std::memory_order_seq_cst);
    if (event.sleepers.load(std::memory_order_seq_cst) != 0) {
        futex(&event.sequence, FUTEX_WAKE, INT_MAX, nullptr);
    }
}

void sleep_while_unchanged(IpcEvent& event, uint32_t seen, Clock::time_point deadline) {
    auto remaining = deadline - Clock::now();
    if (remaining <= Clock::duration::zero()) {
        return;
    }
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(remaining).count();
    timespec timeout{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
    // EAGAIN (the word moved), EINTR and ETIMEDOUT all mean: look again.
    futex(&event.sequence, FUTEX_WAIT, seen, &timeout);
}

} // namespace scuff::os
