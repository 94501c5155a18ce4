#pragma once
// The Linux IRunLoop a VST3 plugin finds in its host context, for one device: the timers and
// descriptors it registers are served by the sandbox's main loop (HostServices), which tells
// the device, which tells the handler.
#include <cstdint>
#include <vector>

#include "core/host_services.hpp"
#include "pluginterfaces/gui/iplugview.h"

namespace scuff::sbox {

class Vst3RunLoop {
public:
    Vst3RunLoop(uint32_t device, HostServices& services) : device_(device), services_(services) {}
    // A plugin should have let go of its timers and descriptors by now; any left are the host's to drop.
    ~Vst3RunLoop();
    Vst3RunLoop(const Vst3RunLoop&) = delete;
    Vst3RunLoop& operator=(const Vst3RunLoop&) = delete;

    // --- main thread, as IRunLoop is called ---
    bool register_timer(Steinberg::Linux::ITimerHandler* handler, Steinberg::uint64 milliseconds);
    bool unregister_timer(Steinberg::Linux::ITimerHandler* handler);
    bool register_fd(Steinberg::Linux::IEventHandler* handler, int fd);
    bool unregister_fd(Steinberg::Linux::IEventHandler* handler);

    // --- main thread, from the main loop ---
    void on_timer(uint32_t timer_id);
    void on_fd_ready(int fd);

private:
    struct Timer {
        uint32_t id;
        Steinberg::Linux::ITimerHandler* handler;
    };
    struct WatchedFd {
        int fd;
        Steinberg::Linux::IEventHandler* handler;
    };

    uint32_t device_;
    HostServices& services_;
    std::vector<Timer> timers_;
    std::vector<WatchedFd> fds_;
};

} // namespace scuff::sbox
