#include "scuff/os/poller.hpp"

#include <cerrno>

#include <poll.h>

namespace scuff::os {

bool Poller::wait(int timeout_ms) {
    std::vector<pollfd> polled;
    polled.reserve(fds_.size());
    for (int fd : fds_) {
        polled.push_back({fd, POLLIN, 0});
    }
    int result = poll(polled.data(), polled.size(), timeout_ms);
    ready_.assign(fds_.size(), 0);
    if (result < 0) {
        return errno == EINTR;
    }
    for (size_t i = 0; i < polled.size(); ++i) {
        ready_[i] = polled[i].revents != 0 ? 1 : 0;
    }
    return true;
}

} // namespace scuff::os
