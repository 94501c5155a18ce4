#include "core/chunk_area.hpp"

#include <algorithm>
#include <cstring>

#include "core/thread_roles.hpp"

namespace scuff::sbox {

ChunkArea::ChunkArea(os::SharedMemory memory, ChunkLayout layout, std::vector<Device*> devices)
    : memory_(std::move(memory)), layout_(std::move(layout)), devices_(std::move(devices)) {}

void ChunkArea::load(uint32_t block, uint32_t frames) {
    SCUFF_ASSERT_AUDIO_THREAD();
    std::byte* base = memory_.data();
    for (size_t index = 0; index < devices_.size(); ++index) {
        Device* device = devices_[index];
        if (!device) {
            continue;
        }
        // The device's planes exist once its memory is attached; the layout checked the ports.
        size_t ports = std::min<size_t>(layout_.input_count(index), device->inputs().size());
        for (size_t port = 0; port < ports; ++port) {
            auto planes = device->input_planes(static_cast<uint32_t>(port));
            uint32_t channels = std::min<uint32_t>(layout_.input_channels(index, port), planes.size());
            for (uint32_t channel = 0; channel < channels; ++channel) {
                std::memcpy(planes[channel], layout_.input_plane(base, index, port, channel, block),
                            frames * sizeof(float));
            }
        }
        if (const BlockEvents* events = layout_.input_events(base, index, block)) {
            uint32_t count = std::min<uint32_t>(events->count, EventRing::capacity);
            device->give_events({events->events, count});
        }
    }
}

void ChunkArea::store(uint32_t block, uint32_t frames) {
    SCUFF_ASSERT_AUDIO_THREAD();
    std::byte* base = memory_.data();
    for (size_t index = 0; index < devices_.size(); ++index) {
        Device* device = devices_[index];
        if (!device) {
            continue;
        }
        // Given for this block only, processed or not.
        device->give_events({});
        size_t ports = std::min<size_t>(layout_.output_count(index), device->outputs().size());
        for (size_t port = 0; port < ports; ++port) {
            auto planes = device->output_planes(static_cast<uint32_t>(port));
            uint32_t channels = std::min<uint32_t>(layout_.output_channels(index, port), planes.size());
            for (uint32_t channel = 0; channel < channels; ++channel) {
                std::memcpy(layout_.output_plane(base, index, port, channel, block), planes[channel],
                            frames * sizeof(float));
            }
        }
        if (BlockEvents* events = layout_.output_events(base, index, block)) {
            auto output = device->output_events();
            auto count = static_cast<uint32_t>(std::min<size_t>(output.size(), EventRing::capacity));
            std::copy_n(output.begin(), count, events->events);
            events->count = count;
        }
    }
}

void ChunkArea::remove(Device* device) {
    SCUFF_ASSERT_AUDIO_THREAD();
    std::replace(devices_.begin(), devices_.end(), device, static_cast<Device*>(nullptr));
}

} // namespace scuff::sbox
