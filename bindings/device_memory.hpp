#pragma once
// The client's end of one device's shared memory: its audio planes and event rings.
#include <cstdint>
#include <memory>
#include <vector>

#include "sandbox_signals.hpp"
#include "scuff/os/shared_memory.hpp"
#include "scuff/shared_layout.hpp"

namespace scuff::native {

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

private:
    std::shared_ptr<SandboxSignals> sandbox_;
    DeviceMemoryLayout layout_;
    os::SharedMemory memory_;
};

} // namespace scuff::native
