#pragma once
// Waits for any of a set of descriptors to become readable: the sandbox's main loop.
#include <cstddef>
#include <vector>

namespace scuff::os {

class Poller {
public:
    void clear() { fds_.clear(); }
    // Watches `fd` for input (and hang-up) in the next wait(); its index is size() before.
    void add(int fd) { fds_.push_back(fd); }

    // Waits until a watched descriptor is ready or `timeout_ms` passes (a negative timeout
    // waits without limit). A signal interrupting the wait counts as a wake-up with nothing
    // ready. Returns false on any other error.
    bool wait(int timeout_ms);

    size_t size() const { return fds_.size(); }
    int fd(size_t index) const { return fds_[index]; }
    // Whether the last wait() found the descriptor readable, hung up or in error.
    bool ready(size_t index) const { return ready_[index] != 0; }

private:
    std::vector<int> fds_;
    std::vector<char> ready_;
};

} // namespace scuff::os
