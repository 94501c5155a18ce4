#pragma once

#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <unistd.h>

namespace scuff_test {

// A genuine SIGSEGV from a faulting store, as a real plugin bug would produce.
[[noreturn]] inline void crash() {
    // Both volatile: the optimiser must neither see the null (it would emit a trap, SIGILL) nor drop the store.
    volatile int* volatile target = nullptr;
    *target = 1;
    // Only reached if page zero happens to be mapped.
    std::raise(SIGSEGV);
    std::abort();
}

// Sleeps in a loop: a signal handler that returns only interrupts one sleep, not the hang.
[[noreturn]] inline void hang() {
    for (;;)
        ::sleep(3600);
}

// Burns a core forever; the volatile store keeps the loop from being optimised away.
[[noreturn]] inline void spin() {
    volatile uint64_t counter = 0;
    for (;;)
        counter = counter + 1;
}

} // namespace scuff_test
