#include "scuff/shared_layout.hpp"

#include <stdexcept>

namespace scuff {

namespace {

size_t round_up(size_t value, size_t alignment) {
    return (value + alignment - 1) / alignment * alignment;
}

} // namespace

DeviceMemoryLayout::DeviceMemoryLayout(std::span<const uint32_t> input_channels,
                                       std::span<const uint32_t> output_channels,
                                       uint32_t max_frames)
    : max_frames_(max_frames), plane_bytes_(round_up(max_frames * sizeof(float), kCacheLine)) {
    if (max_frames == 0 || max_frames > kMaxFrames) {
        throw std::invalid_argument("maximum block size out of range");
    }
    if (input_channels.size() > kMaxPorts || output_channels.size() > kMaxPorts) {
        throw std::invalid_argument("too many audio ports");
    }
    size_t offset = round_up(sizeof(DeviceMemoryHeader), kCacheLine);
    auto place = [&](std::span<const uint32_t> channels, std::vector<Port>& ports) {
        for (uint32_t count : channels) {
            if (count > kMaxChannelsPerPort) {
                throw std::invalid_argument("too many channels in an audio port");
            }
            ports.push_back({count, offset});
            offset += count * plane_bytes_;
        }
    };
    place(input_channels, inputs_);
    place(output_channels, outputs_);
    total_size_ = offset;
}

} // namespace scuff
