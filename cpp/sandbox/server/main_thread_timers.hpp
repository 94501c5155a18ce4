#pragma once
// Timers that plugins register through timer-support; fired by the main loop.
#include <chrono>
#include <cstdint>
#include <vector>

namespace scuff::sbox {

class MainThreadTimers {
public:
    using Clock = std::chrono::steady_clock;

    uint32_t add(uint32_t device, uint32_t period_ms);
    bool remove(uint32_t device, uint32_t timer_id);
    void remove_device(uint32_t device);

    // How long the main loop may sleep before the next timer is due (-1: no timer).
    int milliseconds_until_next() const;

    struct Due {
        uint32_t device;
        uint32_t timer_id;
    };
    // The timers that are due now; each is re-armed for its next period.
    std::vector<Due> take_due();

private:
    struct Timer {
        uint32_t device;
        uint32_t id;
        std::chrono::milliseconds period;
        Clock::time_point next;
    };
    std::vector<Timer> timers_;
    uint32_t next_id_ = 1;
};

} // namespace scuff::sbox
