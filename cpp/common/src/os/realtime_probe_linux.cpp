// The real-time probe on Linux: the sandbox executable defines the C library's allocation,
// locking, sleeping and I/O entry points, so every library it loads (plugins, and the C++
// runtime's operator new) calls these first. Each counts when its thread is counting and
// forwards to the C library's own. Linked into scuff-sbox alone; left out under the
// sanitizers, which interpose the same calls.
#include "scuff/os/realtime_probe.hpp"

#include <dlfcn.h>
#include <execinfo.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

namespace scuff::os {

namespace {

struct Probe {
    bool counting = false;
    // Inside the probe's own bookkeeping (taking a stack allocates the first time).
    bool recording = false;
    RealtimeTally tally;
};

constinit thread_local Probe t_probe{};

long voluntary_switches() {
    rusage usage{};
    return getrusage(RUSAGE_THREAD, &usage) == 0 ? usage.ru_nvcsw : 0;
}

} // namespace

bool realtime_counting() { return t_probe.counting && !t_probe.recording; }

void realtime_record(RealtimeCall call, const char* name) {
    Probe& probe = t_probe;
    probe.recording = true;
    auto kind = static_cast<size_t>(call);
    if (probe.tally.counts[kind]++ == 0) {
        probe.tally.first_call[kind] = name;
        probe.tally.first_depth[kind] = backtrace(probe.tally.first_stack[kind], kRealtimeStackFrames);
    }
    probe.recording = false;
}

void realtime_probe_begin() {
    Probe& probe = t_probe;
    probe.tally = RealtimeTally{};
    probe.tally.context_switches = voluntary_switches();
    probe.counting = true;
}

const RealtimeTally& realtime_probe_end() {
    Probe& probe = t_probe;
    probe.counting = false;
    probe.tally.context_switches = voluntary_switches() - probe.tally.context_switches;
    return probe.tally;
}

bool realtime_probe_pause() {
    bool was = t_probe.counting;
    t_probe.counting = false;
    return was;
}

void realtime_probe_resume(bool was_counting) { t_probe.counting = was_counting; }

bool realtime_probe_interposes() {
#ifdef SCUFF_REALTIME_NO_INTERPOSE
    return false;
#else
    return true;
#endif
}

std::string realtime_call_site(void* const* stack, int depth) {
    Dl_info own{};
    dladdr(reinterpret_cast<void*>(&realtime_call_site), &own);
    static const char* const kRuntimes[] = {"libc.so", "libstdc++.so", "libgcc_s.so", "libm.so", "ld-linux"};
    for (int frame = 0; frame < depth; ++frame) {
        Dl_info info{};
        if (dladdr(stack[frame], &info) == 0 || info.dli_fname == nullptr) continue;
        if (own.dli_fname != nullptr && std::strcmp(info.dli_fname, own.dli_fname) == 0) continue;
        const char* slash = std::strrchr(info.dli_fname, '/');
        const char* file = slash ? slash + 1 : info.dli_fname;
        bool runtime = false;
        for (const char* name : kRuntimes) {
            runtime = runtime || std::strncmp(file, name, std::strlen(name)) == 0;
        }
        if (runtime) continue;
        char text[512];
        auto offset = reinterpret_cast<uintptr_t>(stack[frame]) - reinterpret_cast<uintptr_t>(info.dli_fbase);
        std::snprintf(text, sizeof text, "%s+0x%zx (%s)", file, static_cast<size_t>(offset),
                      info.dli_sname ? info.dli_sname : "?");
        return text;
    }
    return "the host's own code";
}

} // namespace scuff::os

#ifndef SCUFF_REALTIME_NO_INTERPOSE

using scuff::os::RealtimeCall;
using scuff::os::realtime_counting;
using scuff::os::realtime_record;

extern "C" {
void* __libc_malloc(size_t size);
void* __libc_calloc(size_t count, size_t size);
void* __libc_realloc(void* pointer, size_t size);
void __libc_free(void* pointer);
void* __libc_memalign(size_t alignment, size_t size);
}

namespace {

// The C library's own entry points, found once before main (and on first use, for a call
// made earlier); dlsym never goes through these wrappers' locks.
template <typename Function>
struct Real {
    const char* name;
    std::atomic<Function> function{nullptr};
    Function get() {
        Function found = function.load(std::memory_order_relaxed);
        if (found == nullptr) {
            found = reinterpret_cast<Function>(dlsym(RTLD_NEXT, name));
            function.store(found, std::memory_order_relaxed);
        }
        return found;
    }
};

Real<int (*)(pthread_mutex_t*)> real_mutex_lock{"pthread_mutex_lock"};
Real<ssize_t (*)(int, void*, size_t)> real_read{"read"};
Real<ssize_t (*)(int, const void*, size_t)> real_write{"write"};
Real<int (*)(const timespec*, timespec*)> real_nanosleep{"nanosleep"};
Real<int (*)(clockid_t, int, const timespec*, timespec*)> real_clock_nanosleep{"clock_nanosleep"};
Real<int (*)(useconds_t)> real_usleep{"usleep"};
Real<int (*)()> real_sched_yield{"sched_yield"};

__attribute__((constructor)) void resolve_real_functions() {
    real_mutex_lock.get();
    real_read.get();
    real_write.get();
    real_nanosleep.get();
    real_clock_nanosleep.get();
    real_usleep.get();
    real_sched_yield.get();
    if (std::getenv("SCUFF_REALTIME_CHECKS") != nullptr) {
        // The first stack taken loads the unwinder: not inside a process call.
        void* frames[2];
        backtrace(frames, 2);
    }
}

inline void note(RealtimeCall call, const char* name) {
    if (realtime_counting()) realtime_record(call, name);
}

} // namespace

extern "C" {

void* malloc(size_t size) noexcept {
    note(RealtimeCall::Allocation, "malloc");
    return __libc_malloc(size);
}

void* calloc(size_t count, size_t size) noexcept {
    note(RealtimeCall::Allocation, "calloc");
    return __libc_calloc(count, size);
}

void* realloc(void* pointer, size_t size) noexcept {
    note(RealtimeCall::Allocation, "realloc");
    return __libc_realloc(pointer, size);
}

void free(void* pointer) noexcept {
    if (pointer != nullptr) note(RealtimeCall::Free, "free");
    __libc_free(pointer);
}

void* memalign(size_t alignment, size_t size) noexcept {
    note(RealtimeCall::Allocation, "memalign");
    return __libc_memalign(alignment, size);
}

void* aligned_alloc(size_t alignment, size_t size) noexcept {
    note(RealtimeCall::Allocation, "aligned_alloc");
    return __libc_memalign(alignment, size);
}

int posix_memalign(void** result, size_t alignment, size_t size) noexcept {
    note(RealtimeCall::Allocation, "posix_memalign");
    if (alignment % sizeof(void*) != 0 || (alignment & (alignment - 1)) != 0 || alignment == 0) return EINVAL;
    void* pointer = __libc_memalign(alignment, size);
    if (pointer == nullptr) return ENOMEM;
    *result = pointer;
    return 0;
}

int pthread_mutex_lock(pthread_mutex_t* mutex) noexcept {
    if (realtime_counting()) {
        if (pthread_mutex_trylock(mutex) == 0) return 0;
        realtime_record(RealtimeCall::BlockingLock, "pthread_mutex_lock");
    }
    return real_mutex_lock.get()(mutex);
}

ssize_t read(int fd, void* buffer, size_t size) {
    note(RealtimeCall::SystemCall, "read");
    return real_read.get()(fd, buffer, size);
}

ssize_t write(int fd, const void* buffer, size_t size) {
    note(RealtimeCall::SystemCall, "write");
    return real_write.get()(fd, buffer, size);
}

// open and fopen are wrapped once, by the refusal reports (refusal_reports_linux.cpp), which
// count them here on the audio thread.
void scuff_note_realtime_call(const char* name) { note(RealtimeCall::SystemCall, name); }

int nanosleep(const timespec* duration, timespec* remaining) {
    note(RealtimeCall::SystemCall, "nanosleep");
    return real_nanosleep.get()(duration, remaining);
}

int clock_nanosleep(clockid_t clock, int flags, const timespec* duration, timespec* remaining) {
    note(RealtimeCall::SystemCall, "clock_nanosleep");
    return real_clock_nanosleep.get()(clock, flags, duration, remaining);
}

int usleep(useconds_t microseconds) {
    note(RealtimeCall::SystemCall, "usleep");
    return real_usleep.get()(microseconds);
}

int sched_yield() noexcept {
    note(RealtimeCall::SystemCall, "sched_yield");
    return real_sched_yield.get()();
}

} // extern "C"

#endif
