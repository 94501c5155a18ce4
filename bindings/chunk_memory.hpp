#pragma once
// The client's end of one sandbox's chunk segment (scuff/chunk_layout.hpp): the inputs, events
// and outputs of several blocks of each of its devices, which chunked renders fill and read.
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "device_memory.hpp"
#include "sandbox_signals.hpp"
#include "scuff/chunk_layout.hpp"
#include "scuff/os/shared_memory.hpp"

namespace scuff::native {

class ChunkMemory {
public:
    struct Member {
        std::shared_ptr<DeviceMemory> device;
        bool note_inputs;
        bool note_outputs;
    };

    // Every member belongs to `sandbox`. Throws std::invalid_argument otherwise, or for a
    // block count out of range.
    ChunkMemory(std::shared_ptr<SandboxSignals> sandbox, std::vector<Member> members, uint32_t blocks,
                uint32_t max_frames);

    // What one more block costs in a segment of these members.
    static size_t bytes_per_block(const std::vector<Member>& members, uint32_t max_frames);

    int fd() const { return memory_.fd(); }
    size_t size() const { return memory_.size(); }
    uint32_t blocks() const { return layout_.blocks(); }
    const ChunkLayout& layout() const { return layout_; }
    std::byte* base() const { return memory_.data(); }
    SandboxSignals& sandbox() const { return *sandbox_; }
    const std::vector<Member>& members() const { return members_; }
    // The device's place in the layout.
    std::optional<size_t> index_of(const DeviceMemory* device) const;

private:
    std::shared_ptr<SandboxSignals> sandbox_;
    std::vector<Member> members_;
    ChunkLayout layout_;
    os::SharedMemory memory_;
};

} // namespace scuff::native
