#include "device_memory.hpp"

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

} // namespace scuff::native
