#include "vst3/run_loop.hpp"

#include <algorithm>

#include "core/thread_roles.hpp"

namespace scuff::sbox {

using namespace Steinberg;

Vst3RunLoop::~Vst3RunLoop() {
    SCUFF_ASSERT_MAIN_THREAD();
    for (const auto& timer : timers_) {
        services_.unregister_timer(device_, timer.id);
    }
    for (const auto& watched : fds_) {
        services_.unwatch_fd(device_, watched.fd);
    }
}

bool Vst3RunLoop::register_timer(Linux::ITimerHandler* handler, uint64 milliseconds) {
    SCUFF_ASSERT_MAIN_THREAD();
    uint32_t timer_id = 0;
    auto period = static_cast<uint32_t>(std::clamp<uint64>(milliseconds, 1, 60'000));
    if (!services_.register_timer(device_, period, &timer_id)) {
        return false;
    }
    timers_.push_back({timer_id, handler});
    return true;
}

bool Vst3RunLoop::unregister_timer(Linux::ITimerHandler* handler) {
    SCUFF_ASSERT_MAIN_THREAD();
    bool found = false;
    std::erase_if(timers_, [&](const Timer& timer) {
        if (timer.handler != handler) return false;
        services_.unregister_timer(device_, timer.id);
        found = true;
        return true;
    });
    return found;
}

bool Vst3RunLoop::register_fd(Linux::IEventHandler* handler, int fd) {
    SCUFF_ASSERT_MAIN_THREAD();
    if (!services_.watch_fd(device_, fd)) {
        return false;
    }
    fds_.push_back({fd, handler});
    return true;
}

bool Vst3RunLoop::unregister_fd(Linux::IEventHandler* handler) {
    SCUFF_ASSERT_MAIN_THREAD();
    bool found = false;
    std::erase_if(fds_, [&](const WatchedFd& watched) {
        if (watched.handler != handler) return false;
        services_.unwatch_fd(device_, watched.fd);
        found = true;
        return true;
    });
    return found;
}

void Vst3RunLoop::on_timer(uint32_t timer_id) {
    SCUFF_ASSERT_MAIN_THREAD();
    for (const auto& timer : timers_) {
        if (timer.id == timer_id) {
            timer.handler->onTimer();
            return;
        }
    }
}

void Vst3RunLoop::on_fd_ready(int fd) {
    SCUFF_ASSERT_MAIN_THREAD();
    // Copied: a handler may unregister itself while it runs.
    auto watched = fds_;
    for (const auto& entry : watched) {
        if (entry.fd == fd) {
            entry.handler->onFDIsSet(fd);
        }
    }
}

} // namespace scuff::sbox
