#pragma once
// Counting, per thread, what real-time code must not do: allocate or free memory, wait for a
// lock, make blocking system calls, or give up the processor. The sandbox executable
// interposes the C library's calls for this (malloc and its family, pthread_mutex_lock, sleeps,
// reads and writes, opening files); a thread that is not counting pays one flag test per call.
#include <cstddef>
#include <cstdint>
#include <string>

namespace scuff::os {

enum class RealtimeCall : uint8_t { Allocation, Free, BlockingLock, SystemCall, Count };
constexpr size_t kRealtimeCallKinds = static_cast<size_t>(RealtimeCall::Count);
constexpr int kRealtimeStackFrames = 16;

// What one thread did between realtime_probe_begin and realtime_probe_end: a count per kind,
// and for the first call of each kind its name and the stack it was made from.
struct RealtimeTally {
    uint32_t counts[kRealtimeCallKinds]{};
    const char* first_call[kRealtimeCallKinds]{};
    void* first_stack[kRealtimeCallKinds][kRealtimeStackFrames]{};
    int first_depth[kRealtimeCallKinds]{};
    // Times the thread gave up the processor voluntarily (blocked or slept).
    long context_switches = 0;
};

// Starts counting on the calling thread, from zero.
void realtime_probe_begin();
// Stops counting on the calling thread; what it counted stays valid until the next begin.
const RealtimeTally& realtime_probe_end();
// Suspends counting on the calling thread; returns whether it was counting.
bool realtime_probe_pause();
void realtime_probe_resume(bool was_counting);
// Whether this build interposes the C library's calls (not under the sanitizers, which do).
bool realtime_probe_interposes();

// The first frame of a stack outside the host's own code (the executable and the C and C++
// runtimes), as "libfoo.so+0x1a2b (symbol)"; "the host's own code" when there is none.
std::string realtime_call_site(void* const* stack, int depth);

} // namespace scuff::os
