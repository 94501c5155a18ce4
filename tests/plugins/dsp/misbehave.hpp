#pragma once

#include "faults.hpp"

#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <thread>
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

// How long a late process call sleeps (Fault in tests/support/test_plugins.py says the same):
// past a live deadline, half a period, for any period up to 1024 frames at 48 kHz, and
// far short of every timeout that would call the sandbox hung.
inline constexpr std::chrono::milliseconds late_sleep{20};

// One process call that returns its block correctly, but late.
inline void be_late() {
    std::this_thread::sleep_for(late_sleep);
}

// Carries out the faulty plugin's process-call faults, the same in both formats; any other
// fault returns.
inline void misbehave_in_process(int fault) {
    switch (fault) {
    case scuff_dsp::crash_in_process:
        crash();
    case scuff_dsp::hang_in_process:
        hang();
    case scuff_dsp::exit_in_process:
        _exit(3);
    case scuff_dsp::abort_in_process:
        std::abort();
    case scuff_dsp::spin_in_process:
        spin();
    default:
        break;
    }
}

} // namespace scuff_test
