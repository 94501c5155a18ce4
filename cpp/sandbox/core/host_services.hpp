#pragma once
// What the sandbox offers every hosted device: the plugin's callbacks only set flags
// and wake the main loop through this; the main loop acts on them.
#include <cstdint>
#include <string>

#include "core/log_severity.hpp"

namespace scuff::sbox {

class HostServices {
public:
    virtual ~HostServices() = default;
    // Thread-safe: makes the main loop look at every device's request flags.
    virtual void wake_main_loop() = 0;
    // Thread-safe: forwards a plugin's log line to the client.
    virtual void log(uint32_t device, LogSeverity severity, const std::string& message) = 0;
    // Main thread: timer-support.
    virtual bool register_timer(uint32_t device, uint32_t period_ms, uint32_t* timer_id) = 0;
    virtual bool unregister_timer(uint32_t device, uint32_t timer_id) = 0;
    // Main thread: the main loop watches `fd` for input and tells the device when it is ready.
    virtual bool watch_fd(uint32_t device, int fd) = 0;
    virtual void unwatch_fd(uint32_t device, int fd) = 0;
    // Main thread: the plugin changed a parameter on its own initiative (a gesture in its
    // editor); the client records it like a value it set itself.
    virtual void param_edited(uint32_t device, uint32_t param_id, double plain_value) = 0;
    // Main thread: the plugin asks for its editor's window to take this size; false refuses.
    virtual bool editor_resize_requested(uint32_t device, uint32_t width, uint32_t height) = 0;
    // Main thread: a floating editor the plugin owns was closed by the user.
    virtual void editor_closed(uint32_t device) = 0;
};

} // namespace scuff::sbox
