#include "scuff/os/wake_event.hpp"

#include <cstdint>
#include <stdexcept>

#include <sys/eventfd.h>
#include <unistd.h>

namespace scuff::os {

WakeEvent::WakeEvent() : fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    if (fd_ < 0) {
        throw std::runtime_error("eventfd failed");
    }
}

WakeEvent::~WakeEvent() { close(fd_); }

void WakeEvent::signal() {
    uint64_t one = 1;
    // A full counter already means "wake up": nothing is lost if this write fails.
    [[maybe_unused]] auto written = write(fd_, &one, sizeof one);
}

void WakeEvent::drain() {
    uint64_t count;
    while (read(fd_, &count, sizeof count) > 0) {
    }
}

} // namespace scuff::os
