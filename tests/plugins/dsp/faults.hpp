#pragma once

#include <iterator>

// The faulty plugin's "Fault" values, the same for its CLAP and VST3 builds and numbered as Fault
// in tests/support/test_plugins.py; each names the call that misbehaves once it is armed.
namespace scuff_dsp {

enum Fault : int {
    no_fault,
    crash_in_process,
    hang_in_process,
    exit_in_process,
    abort_in_process,
    spin_in_process,
    nan_in_process,
    crash_in_save,
    hang_in_save,
    crash_in_load,
    hang_in_load,
    crash_in_flush,
    hang_in_flush,
    late_once_in_process,  // each arming makes one process call late (misbehave.hpp), then none
};

inline constexpr const char* fault_names[] = {
    "None",         "Crash in process", "Hang in process", "Exit in process", "Abort in process",
    "Spin in process", "NaN in process", "Crash in save",  "Hang in save",    "Crash in load",
    "Hang in load", "Crash in flush",   "Hang in flush",   "Late once in process",
};
inline constexpr int last_fault = late_once_in_process;
static_assert(std::size(fault_names) == last_fault + 1);

} // namespace scuff_dsp
