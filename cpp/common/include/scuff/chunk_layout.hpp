#pragma once
// The layout of a sandbox's chunk segment: the inputs, events and outputs of several blocks
// of every device of the sandbox, so that an offline render can hand the sandbox many blocks
// at once (docs/graph.md, "Chunked rendering"). Both sides compute it from the same facts
// (the block count, the maximum block size, each device's channel counts and whether it
// has note ports); the client creates and sizes the segment.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "scuff/shared_layout.hpp"

namespace scuff {

// More blocks than any chunk the client chooses; bounds what a lying client can ask for.
inline constexpr uint32_t kMaxChunkBlocks = 4096;

// Client -> sandbox: what one block of the chunk is.
struct ChunkBlock {
    uint32_t frames;
    // The transport at the block's first frame, as the control block carries it for one cycle.
    TransportState transport;
};

// The note events of one block of one device: the client's for a note input, or what the
// plugin output. The reader checks `count` and every event.
struct BlockEvents {
    uint32_t count;
    NoteEvent events[EventRing::capacity];
};

// What the layout needs to know of one device.
struct ChunkDeviceShape {
    std::vector<uint32_t> inputs;   // channels per audio input port
    std::vector<uint32_t> outputs;  // channels per audio output port
    bool note_inputs = false;
    bool note_outputs = false;
};

class ChunkLayout {
public:
    // Throws std::invalid_argument for counts out of range.
    ChunkLayout(uint32_t blocks, uint32_t max_frames, std::span<const ChunkDeviceShape> devices);

    size_t total_size() const { return total_size_; }
    uint32_t blocks() const { return blocks_; }
    uint32_t max_frames() const { return max_frames_; }
    size_t device_count() const { return devices_.size(); }
    size_t input_count(size_t device) const { return devices_[device].inputs.size(); }
    size_t output_count(size_t device) const { return devices_[device].outputs.size(); }
    uint32_t input_channels(size_t device, size_t port) const { return devices_[device].inputs[port].channels; }
    uint32_t output_channels(size_t device, size_t port) const { return devices_[device].outputs[port].channels; }

    ChunkBlock* block(std::byte* base, uint32_t block) const {
        return reinterpret_cast<ChunkBlock*>(base) + block;
    }
    float* input_plane(std::byte* base, size_t device, size_t port, uint32_t channel, uint32_t block) const {
        return plane(base, devices_[device].inputs[port], channel, block);
    }
    float* output_plane(std::byte* base, size_t device, size_t port, uint32_t channel, uint32_t block) const {
        return plane(base, devices_[device].outputs[port], channel, block);
    }
    // Null for a device without note inputs (outputs).
    BlockEvents* input_events(std::byte* base, size_t device, uint32_t block) const {
        return events(base, devices_[device].input_events, block);
    }
    BlockEvents* output_events(std::byte* base, size_t device, uint32_t block) const {
        return events(base, devices_[device].output_events, block);
    }

private:
    struct Port {
        uint32_t channels;
        size_t offset;
    };
    struct Device {
        std::vector<Port> inputs;
        std::vector<Port> outputs;
        size_t input_events = 0;  // 0: none
        size_t output_events = 0;
    };
    // Each channel's blocks follow each other, so a channel of a chunk of whole blocks is
    // one run of frames.
    float* plane(std::byte* base, const Port& port, uint32_t channel, uint32_t block) const {
        return reinterpret_cast<float*>(base + port.offset + (size_t{channel} * blocks_ + block) * plane_bytes_);
    }
    BlockEvents* events(std::byte* base, size_t offset, uint32_t block) const {
        return offset == 0 ? nullptr : reinterpret_cast<BlockEvents*>(base + offset) + block;
    }

    uint32_t blocks_;
    uint32_t max_frames_;
    size_t plane_bytes_;
    std::vector<Device> devices_;
    size_t total_size_;
};

} // namespace scuff
