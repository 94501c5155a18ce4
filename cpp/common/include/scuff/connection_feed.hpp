#pragma once
// One audio connection's transfer from a source port to a target port: the channel rule
// (equal counts map one to one, a mono source feeds every target channel, a mono target
// receives the sum of every source channel) and an optional delay for latency
// compensation. The sandbox uses it for connections inside one process, the client for
// connections between processes, so both sides mix the same way.
#include <cstdint>
#include <span>
#include <vector>

namespace scuff {

// Whether a port of `source` channels may feed a port of `target` channels.
bool channels_connectable(uint32_t source, uint32_t target);

class ConnectionFeed {
public:
    // Allocates everything the audio thread will need; `delay` is in frames.
    ConnectionFeed(uint32_t source_channels, uint32_t target_channels, uint32_t delay, uint32_t max_frames);

    uint32_t delay() const { return delay_; }

    // Adds `frames` frames of the source into the target planes. Only the first `valid`
    // frames of the source hold signal (a shorter earlier block, or a silent source when
    // zero); the rest counts as silence. Real-time safe.
    void feed(std::span<const float* const> source, uint32_t valid, std::span<float* const> target, uint32_t frames);

private:
    std::span<const float* const> delayed(std::span<const float* const> source, uint32_t valid, uint32_t frames);

    uint32_t source_channels_;
    uint32_t target_channels_;
    uint32_t delay_;
    uint32_t max_frames_;
    // One ring per source channel, delay + max_frames long.
    std::vector<std::vector<float>> rings_;
    uint32_t write_position_ = 0;
    // The source after padding and delay, one plane per source channel.
    std::vector<std::vector<float>> scratch_;
    std::vector<const float*> scratch_planes_;
};

// Adds `source` into `target` by the channel rule above.
void mix_channels(std::span<const float* const> source, std::span<float* const> target, uint32_t frames);

} // namespace scuff
