#pragma once
// What the sandbox offers every hosted device: the plugin's callbacks only set flags
// and wake the main loop through this; the main loop acts on them.
#include <cstdint>
#include <string>

#include "scuff/clap_extras.hpp"

namespace scuff::sbox {

class HostServices {
public:
    virtual ~HostServices() = default;
    // Thread-safe: makes the main loop look at every device's request flags.
    virtual void wake_main_loop() = 0;
    // Thread-safe: forwards a plugin's log line to the client.
    virtual void log(uint32_t device, clap_log_severity severity, const std::string& message) = 0;
    // Main thread: timer-support.
    virtual bool register_timer(uint32_t device, uint32_t period_ms, uint32_t* timer_id) = 0;
    virtual bool unregister_timer(uint32_t device, uint32_t timer_id) = 0;
};

} // namespace scuff::sbox
