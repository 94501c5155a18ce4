#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <random>

// What the misbehaving plugins do wrong in their process calls, the same for their CLAP and VST3
// builds, each on top of a copy of the input: each breaks one rule scuff.validate checks.
namespace scuff_dsp {

// A scratch block allocated in every process call, the previous one freed.
class ScratchPerBlock {
public:
    ScratchPerBlock() = default;
    ScratchPerBlock(const ScratchPerBlock&) = delete;
    ScratchPerBlock& operator=(const ScratchPerBlock&) = delete;
    ~ScratchPerBlock() { std::free(scratch_); }

    void renew() {
        std::free(scratch_);
        scratch_ = std::malloc(4096);
    }

private:
    // Volatile, so the compiler cannot drop the allocation.
    void* volatile scratch_ = nullptr;
};

// A denormal (1e-40) in the first frame of a channel. The value is stored, never computed, so
// flush-to-zero does not remove it.
class DenormalFirstFrame {
public:
    void apply(float* channel, uint32_t frames) const {
        if (channel && frames > 0)
            channel[0] = value_;
    }

private:
    volatile float value_ = 1e-40f;
};

// Each frame scaled by a random factor within 0.1% of 1, from a generator seeded differently in
// each instance: silence stays silence, but no two renders of a signal agree.
class Wobble {
public:
    Wobble() : random_(std::random_device{}()) {}

    void apply(float* channel, uint32_t frames) {
        std::uniform_real_distribution<float> factor(0.999f, 1.001f);
        for (uint32_t i = 0; channel && i < frames; ++i)
            channel[i] *= factor(random_);
    }

private:
    std::minstd_rand random_;
};

// 1 MiB more of resident memory, never freed: the leak plugin's every process call.
inline constexpr size_t leak_bytes = 1 << 20;

inline void leak_one_block() {
    constexpr size_t page_bytes = 4096;
    // Volatile stores, so every page is really committed and the unused allocation cannot be elided.
    if (auto* bytes = static_cast<volatile char*>(std::malloc(leak_bytes)))
        for (size_t i = 0; i < leak_bytes; i += page_bytes)
            bytes[i] = 1;
}

} // namespace scuff_dsp
