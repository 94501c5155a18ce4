// What a live host did not play as the graph says, period by period: the record against
// which every difference between a live recording and the offline render is accounted for.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace scuff::native {

enum class IncidentKind : uint8_t {
    late,     // a sandbox's outputs were silent: it missed the deadline, or had not caught up
    busy,     // the whole period was silent: another thread held the engine
    refused,  // the whole period was silent: too long, or not at the group's sample rate
    overrun,  // the callback outlasted its period
    xrun,     // the server reported an xrun (about this frame; whichever client caused it)
};

struct Incident {
    uint64_t frame = 0;   // JACK frame time of the period's first frame
    uint32_t frames = 0;  // the period's length
    IncidentKind kind = IncidentKind::late;
};

// The last kCapacity incidents, written by one thread and read by any.
class IncidentLog {
public:
    static constexpr size_t kCapacity = 4096;

    void add(const Incident& incident) {
        uint64_t index = written_.load(std::memory_order_relaxed);
        auto& slot = slots_[index % kCapacity];
        slot.frame.store(incident.frame, std::memory_order_relaxed);
        slot.length_and_kind.store((uint64_t{incident.frames} << 8) | static_cast<uint8_t>(incident.kind),
                                   std::memory_order_relaxed);
        written_.store(index + 1, std::memory_order_release);
    }

    uint64_t written() const { return written_.load(std::memory_order_acquire); }

    // Incidents from the `first`-th written on, as many as are still kept.
    std::vector<Incident> since(uint64_t first) const {
        uint64_t end = written();
        uint64_t begin = std::max(first, end > kCapacity ? end - kCapacity : 0);
        std::vector<Incident> found;
        for (uint64_t index = begin; index < end; ++index) {
            const auto& slot = slots_[index % kCapacity];
            uint64_t packed = slot.length_and_kind.load(std::memory_order_relaxed);
            found.push_back({slot.frame.load(std::memory_order_relaxed), static_cast<uint32_t>(packed >> 8),
                             static_cast<IncidentKind>(packed & 0xff)});
        }
        // Slots the writer reused while they were read are dropped.
        uint64_t reused = written() > kCapacity ? written() - kCapacity : 0;
        if (reused > begin) {
            found.erase(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(std::min(reused - begin,
                                                                                          found.size())));
        }
        return found;
    }

private:
    struct Slot {
        std::atomic<uint64_t> frame{0};
        std::atomic<uint64_t> length_and_kind{0};
    };
    std::array<Slot, kCapacity> slots_{};
    std::atomic<uint64_t> written_{0};
};

} // namespace scuff::native
