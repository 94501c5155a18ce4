#include "chunk_memory.hpp"

#include <stdexcept>

namespace scuff::native {

namespace {

std::vector<ChunkDeviceShape> shapes_of(const std::vector<ChunkMemory::Member>& members) {
    std::vector<ChunkDeviceShape> shapes;
    for (const auto& member : members) {
        const auto& layout = member.device->layout();
        ChunkDeviceShape shape;
        for (size_t port = 0; port < layout.input_count(); ++port) shape.inputs.push_back(layout.input_channels(port));
        for (size_t port = 0; port < layout.output_count(); ++port) {
            shape.outputs.push_back(layout.output_channels(port));
        }
        shape.note_inputs = member.note_inputs;
        shape.note_outputs = member.note_outputs;
        shapes.push_back(std::move(shape));
    }
    return shapes;
}

} // namespace

ChunkMemory::ChunkMemory(std::shared_ptr<SandboxSignals> sandbox, std::vector<Member> members, uint32_t blocks,
                         uint32_t max_frames)
    : sandbox_(std::move(sandbox)),
      members_(std::move(members)),
      layout_(blocks, max_frames, shapes_of(members_)),
      memory_(os::SharedMemory::create("scuff-chunk", layout_.total_size())) {
    for (const auto& member : members_) {
        if (&member.device->sandbox() != sandbox_.get()) {
            throw std::invalid_argument("a chunk holds devices of its own sandbox only");
        }
    }
}

size_t ChunkMemory::bytes_per_block(const std::vector<Member>& members, uint32_t max_frames) {
    auto shapes = shapes_of(members);
    return ChunkLayout(2, max_frames, shapes).total_size() - ChunkLayout(1, max_frames, shapes).total_size();
}

std::optional<size_t> ChunkMemory::index_of(const DeviceMemory* device) const {
    for (size_t index = 0; index < members_.size(); ++index) {
        if (members_[index].device.get() == device) {
            return index;
        }
    }
    return std::nullopt;
}

} // namespace scuff::native
