#include "scuff/chunk_layout.hpp"

#include <stdexcept>

namespace scuff {

namespace {

size_t round_up(size_t value, size_t alignment) {
    return (value + alignment - 1) / alignment * alignment;
}

} // namespace

ChunkLayout::ChunkLayout(uint32_t blocks, uint32_t max_frames, std::span<const ChunkDeviceShape> devices)
    : blocks_(blocks), max_frames_(max_frames), plane_bytes_(round_up(max_frames * sizeof(float), kCacheLine)) {
    if (blocks == 0 || blocks > kMaxChunkBlocks) {
        throw std::invalid_argument("chunk block count out of range");
    }
    if (max_frames == 0 || max_frames > kMaxFrames) {
        throw std::invalid_argument("maximum block size out of range");
    }
    size_t offset = round_up(sizeof(ChunkBlock) * blocks, kCacheLine);
    auto place = [&](const std::vector<uint32_t>& channels, std::vector<Port>& ports) {
        if (channels.size() > kMaxPorts) {
            throw std::invalid_argument("too many audio ports");
        }
        for (uint32_t count : channels) {
            if (count > kMaxChannelsPerPort) {
                throw std::invalid_argument("too many channels in an audio port");
            }
            ports.push_back({count, offset});
            offset += size_t{count} * blocks * plane_bytes_;
        }
    };
    auto place_events = [&](bool present) -> size_t {
        if (!present) {
            return 0;
        }
        size_t at = offset;
        offset = round_up(offset + sizeof(BlockEvents) * blocks, kCacheLine);
        return at;
    };
    for (const auto& shape : devices) {
        Device device;
        place(shape.inputs, device.inputs);
        place(shape.outputs, device.outputs);
        device.input_events = place_events(shape.note_inputs);
        device.output_events = place_events(shape.note_outputs);
        devices_.push_back(std::move(device));
    }
    total_size_ = offset;
}

} // namespace scuff
