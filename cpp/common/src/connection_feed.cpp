#include "scuff/connection_feed.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace scuff {

bool channels_connectable(uint32_t source, uint32_t target) {
    return source > 0 && target > 0 && (source == target || source == 1 || target == 1);
}

void mix_channels(std::span<const float* const> source, std::span<float* const> target, uint32_t frames) {
    if (source.empty() || target.empty()) {
        return;
    }
    if (source.size() == target.size() || source.size() == 1) {
        for (size_t channel = 0; channel < target.size(); ++channel) {
            const float* from = source[source.size() == 1 ? 0 : channel];
            float* to = target[channel];
            for (uint32_t frame = 0; frame < frames; ++frame) {
                to[frame] += from[frame];
            }
        }
        return;
    }
    // A mono target: every source channel is added, in channel order.
    for (const float* from : source) {
        float* to = target[0];
        for (uint32_t frame = 0; frame < frames; ++frame) {
            to[frame] += from[frame];
        }
    }
}

ConnectionFeed::ConnectionFeed(uint32_t source_channels, uint32_t target_channels, uint32_t delay,
                               uint32_t max_frames)
    : source_channels_(source_channels),
      target_channels_(target_channels),
      delay_(delay),
      max_frames_(max_frames) {
    if (!channels_connectable(source_channels, target_channels)) {
        throw std::invalid_argument("a port of " + std::to_string(source_channels) +
                                    " channel(s) cannot feed a port of " + std::to_string(target_channels));
    }
    if (delay_ > 0) {
        rings_.assign(source_channels, std::vector<float>(delay_ + max_frames_, 0.0f));
    }
    scratch_.assign(source_channels, std::vector<float>(max_frames_, 0.0f));
    for (const auto& plane : scratch_) {
        scratch_planes_.push_back(plane.data());
    }
}

std::span<const float* const> ConnectionFeed::delayed(std::span<const float* const> source, uint32_t valid,
                                                      uint32_t frames) {
    bool padded = valid < frames;
    if (delay_ == 0 && !padded) {
        return source;
    }
    auto ring_size = static_cast<uint32_t>(delay_ + max_frames_);
    for (uint32_t channel = 0; channel < source_channels_; ++channel) {
        float* out = scratch_[channel].data();
        uint32_t copied = source.empty() ? 0 : valid;
        if (copied > 0) {
            std::memcpy(out, source[channel], copied * sizeof(float));
        }
        std::memset(out + copied, 0, (frames - copied) * sizeof(float));
        if (delay_ == 0) {
            continue;
        }
        // Write the block into the ring, then read it back `delay_` frames earlier.
        auto& ring = rings_[channel];
        uint32_t write = write_position_;
        for (uint32_t frame = 0; frame < frames; ++frame) {
            ring[write] = out[frame];
            uint32_t read = (write + ring_size - delay_) % ring_size;
            out[frame] = ring[read];
            write = (write + 1) % ring_size;
        }
    }
    if (delay_ > 0) {
        write_position_ = (write_position_ + frames) % ring_size;
    }
    return {scratch_planes_.data(), scratch_planes_.size()};
}

void ConnectionFeed::feed(std::span<const float* const> source, uint32_t valid, std::span<float* const> target,
                          uint32_t frames) {
    frames = std::min(frames, max_frames_);
    valid = std::min(valid, frames);
    if (target.size() != target_channels_ || (!source.empty() && source.size() != source_channels_)) {
        return;
    }
    if (source.empty()) {
        valid = 0;
    }
    if (valid == 0 && delay_ == 0) {
        return;
    }
    mix_channels(delayed(source, valid, frames), target, frames);
}

} // namespace scuff
