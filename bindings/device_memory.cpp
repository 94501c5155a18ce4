#include "device_memory.hpp"

#include <algorithm>
#include <new>

namespace scuff::native {

DeviceMemory::DeviceMemory(std::shared_ptr<SandboxSignals> sandbox,
                           const std::vector<uint32_t>& input_channels,
                           const std::vector<uint32_t>& output_channels, uint32_t max_frames)
    : sandbox_(std::move(sandbox)),
      layout_(input_channels, output_channels, max_frames),
      memory_(os::SharedMemory::create("scuff-device", layout_.total_size())) {
    new (memory_.data()) DeviceMemoryHeader();
}

void DeviceMemory::take_events(uint64_t offset, uint32_t frames) {
    last_event_count_ = 0;
    // The ring holds at most as many as last_events_; a sandbox that lies about its indices
    // gets its events dropped by the ring itself.
    header().events_out.drain([&](const NoteEvent& event) { take_event(offset, frames, event); });
}

void DeviceMemory::take_events(uint64_t offset, uint32_t frames, std::span<const NoteEvent> events) {
    last_event_count_ = 0;
    for (size_t index = 0; index < std::min(events.size(), last_events_.size()); ++index) {
        take_event(offset, frames, events[index]);
    }
}

void DeviceMemory::take_event(uint64_t offset, uint32_t frames, const NoteEvent& shared) {
    NoteEvent event = shared;  // read once: the sandbox may write it meanwhile
    if (event.frame >= frames || event.channel > 15) {
        return;
    }
    last_events_[last_event_count_++] = event;
    if (run_event_count_ < run_events_.size()) {
        run_events_[run_event_count_++] = {offset + event.frame, event};
    } else {
        ++dropped_run_events_;
    }
}

} // namespace scuff::native
