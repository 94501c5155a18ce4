#pragma once
// The sandbox's end of a chunk segment (scuff/chunk_layout.hpp): which device each part
// belongs to, and the copies between a block of the segment and the devices' own planes and
// event lists. The audio thread processes every block of a chunk in the devices' planes, as
// a cycle of one block, so what happens inside the sandbox does not depend on chunking.
#include <cstdint>
#include <vector>

#include "core/device.hpp"
#include "scuff/chunk_layout.hpp"
#include "scuff/os/shared_memory.hpp"

namespace scuff::sbox {

class ChunkArea {
public:
    // Main thread. `devices` are in the layout's order; the segment holds the layout.
    ChunkArea(os::SharedMemory memory, ChunkLayout layout, std::vector<Device*> devices);

    uint32_t blocks() const { return layout_.blocks(); }
    // Audio thread. A copy: the client may write the segment at any time.
    ChunkBlock block(uint32_t block) const { return *layout_.block(memory_.data(), block); }
    // Audio thread: block `block`'s inputs into the devices' input planes, and its events to
    // each device's next process call.
    void load(uint32_t block, uint32_t frames);
    // Audio thread: what the devices output in the block just processed, into block `block`.
    void store(uint32_t block, uint32_t frames);
    // Audio thread. Forgets a device that is about to be destroyed.
    void remove(Device* device);

private:
    os::SharedMemory memory_;
    ChunkLayout layout_;
    // In the layout's order; null for a device destroyed since.
    std::vector<Device*> devices_;
};

} // namespace scuff::sbox
