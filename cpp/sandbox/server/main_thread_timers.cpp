#include "server/main_thread_timers.hpp"

#include <algorithm>

namespace scuff::sbox {

uint32_t MainThreadTimers::add(uint32_t device, uint32_t period_ms) {
    // Plugins ask for 0 ms meaning "as often as you can"; the main loop cannot honour
    // less than a few milliseconds without burning a core.
    auto period = std::chrono::milliseconds(std::max<uint32_t>(period_ms, 5));
    uint32_t id = next_id_++;
    timers_.push_back({device, id, period, Clock::now() + period});
    return id;
}

bool MainThreadTimers::remove(uint32_t device, uint32_t timer_id) {
    auto found = std::find_if(timers_.begin(), timers_.end(), [&](const Timer& timer) {
        return timer.device == device && timer.id == timer_id;
    });
    if (found == timers_.end()) {
        return false;
    }
    timers_.erase(found);
    return true;
}

void MainThreadTimers::remove_device(uint32_t device) {
    std::erase_if(timers_, [&](const Timer& timer) { return timer.device == device; });
}

int MainThreadTimers::milliseconds_until_next() const {
    if (timers_.empty()) {
        return -1;
    }
    auto next = std::min_element(timers_.begin(), timers_.end(), [](const Timer& a, const Timer& b) {
                    return a.next < b.next;
                })->next;
    auto wait = std::chrono::ceil<std::chrono::milliseconds>(next - Clock::now()).count();
    return static_cast<int>(std::max<int64_t>(wait, 0));
}

std::vector<MainThreadTimers::Due> MainThreadTimers::take_due() {
    std::vector<Due> due;
    auto now = Clock::now();
    for (auto& timer : timers_) {
        if (timer.next <= now) {
            due.push_back({timer.device, timer.id});
            timer.next = now + timer.period;
        }
    }
    return due;
}

} // namespace scuff::sbox
