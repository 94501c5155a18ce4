#pragma once
// The client's end of one device's shared memory: its audio planes and event rings.
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "sandbox_signals.hpp"
#include "scuff/os/shared_memory.hpp"
#include "scuff/shared_layout.hpp"

namespace scuff::native {

// An event for a device at a frame counted from the start of a run (or, for what a device
// output, from the start of the run that produced it). Python builds and reads these with
// the same layout (python/scuff/events.py).
struct ScheduledEvent {
    uint64_t frame;
    NoteEvent event;
};
static_assert(sizeof(NoteEvent) == 24 && sizeof(ScheduledEvent) == 32);
static_assert(offsetof(NoteEvent, port) == 4 && offsetof(NoteEvent, kind) == 6 && offsetof(NoteEvent, channel) == 7 &&
              offsetof(NoteEvent, key) == 8 && offsetof(NoteEvent, midi_size) == 10 && offsetof(NoteEvent, midi) == 11 &&
              offsetof(NoteEvent, note_id) == 16 && offsetof(NoteEvent, velocity) == 20);

class DeviceMemory {
public:
    DeviceMemory(std::shared_ptr<SandboxSignals> sandbox, const std::vector<uint32_t>& input_channels,
                 const std::vector<uint32_t>& output_channels, uint32_t max_frames);

    int fd() const { return memory_.fd(); }
    size_t size() const { return memory_.size(); }
    const DeviceMemoryLayout& layout() const { return layout_; }
    SandboxSignals& sandbox() const { return *sandbox_; }

    float* input_plane(size_t port, uint32_t channel) const {
        return layout_.input_plane(memory_.data(), port, channel);
    }
    float* output_plane(size_t port, uint32_t channel) const {
        return layout_.output_plane(memory_.data(), port, channel);
    }
    DeviceMemoryHeader& header() const { return *DeviceMemoryLayout::header(memory_.data()); }

    // Engine thread (under the engine's lock). What the device output in its last cycle,
    // which note routes carry into the next one.
    std::span<const NoteEvent> last_events() const { return {last_events_.data(), last_event_count_}; }
    // Takes what the device output in the cycle of `frames` just finished, `offset` frames
    // into the run. Events outside the block are not believed.
    void take_events(uint64_t offset, uint32_t frames);
    // The same for a block of a chunk, whose events the sandbox wrote to `events`.
    void take_events(uint64_t offset, uint32_t frames, std::span<const NoteEvent> events);
    void forget_last_events() { last_event_count_ = 0; }
    // Everything the device output during the current run, for the host to read.
    void start_run() {
        run_event_count_ = 0;
        dropped_run_events_ = 0;
    }
    std::span<const ScheduledEvent> run_events() const { return {run_events_.data(), run_event_count_}; }
    uint64_t dropped_run_events() const { return dropped_run_events_; }

private:
    void take_event(uint64_t offset, uint32_t frames, const NoteEvent& event);

    std::shared_ptr<SandboxSignals> sandbox_;
    DeviceMemoryLayout layout_;
    os::SharedMemory memory_;
    std::vector<NoteEvent> last_events_ = std::vector<NoteEvent>(EventRing::capacity);
    size_t last_event_count_ = 0;
    // Bounded: a plugin that outputs without end, with nobody reading, costs a fixed amount.
    std::vector<ScheduledEvent> run_events_ = std::vector<ScheduledEvent>(1 << 16);
    size_t run_event_count_ = 0;
    uint64_t dropped_run_events_ = 0;
};

} // namespace scuff::native
