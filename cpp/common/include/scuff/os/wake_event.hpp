#pragma once
// A wake-up for a thread waiting in a Poller, sent from any thread of the same process:
// fd() is readable from the first signal() until drain().

namespace scuff::os {

class WakeEvent {
public:
    // Throws std::runtime_error when the OS has no descriptor to spare.
    WakeEvent();
    ~WakeEvent();
    WakeEvent(const WakeEvent&) = delete;
    WakeEvent& operator=(const WakeEvent&) = delete;

    int fd() const { return fd_; }
    // Never blocks; wake-ups sent before the next drain() are merged into one.
    void signal();
    void drain();

private:
    int fd_;
};

} // namespace scuff::os
