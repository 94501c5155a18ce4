#pragma once
// Real-time safety checks of a plugin's process calls: while a RealtimeWatch lives on the
// audio thread, what the plugin does that a real-time thread must not (allocate or free
// memory, wait for a lock, make blocking system calls, give up the processor) is counted
// (scuff/os/realtime_probe.hpp). Off unless the sandbox starts with SCUFF_REALTIME_CHECKS set,
// as scuff.validate does; each finding not reported before, named by the plugin's call site,
// reaches the client as one log line of PluginMisbehaving severity.
#include <cstdint>

#include "core/host_services.hpp"

namespace scuff::sbox {

class RealtimeWatch {
public:
    // Audio thread, around one process call of `device`.
    RealtimeWatch(uint32_t device, HostServices& services);
    ~RealtimeWatch();
    RealtimeWatch(const RealtimeWatch&) = delete;
    RealtimeWatch& operator=(const RealtimeWatch&) = delete;

private:
    uint32_t device_;
    HostServices& services_;
    bool active_;
};

// Suspends counting on this thread while alive: the sandbox's own work inside a plugin's
// callback (waking the main loop, queueing a log line) is not the plugin's.
class RealtimePause {
public:
    RealtimePause();
    ~RealtimePause();
    RealtimePause(const RealtimePause&) = delete;
    RealtimePause& operator=(const RealtimePause&) = delete;

private:
    bool was_counting_;
};

// Whether the checks are on in this process (read once from the environment).
bool realtime_checks_enabled();

} // namespace scuff::sbox
