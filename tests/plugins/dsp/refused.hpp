#pragma once

#include <atomic>
#include <cstdint>

// The plugins a host should refuse once it has created them, the same in both formats, and the
// census that lets a test see the host destroyed what it refused.
namespace scuff_dsp {

// One more parameter than a sandbox hosts (scuff._native.MAX_PARAMS).
constexpr uint32_t too_many_params = 100'001;

// Instances of the refused plugins of one loaded file: made, and destroyed again. The file's census
// plugin reports both as read-only parameters; they start again from 0 when the file is reloaded.
struct Census {
    std::atomic<uint32_t> created{0};
    std::atomic<uint32_t> destroyed{0};
};

inline Census census;

// A member of every refused plugin: counts its instance in the census from construction to destruction.
struct Counted {
    Counted() { ++census.created; }
    ~Counted() { ++census.destroyed; }
    Counted(const Counted&) = delete;
    Counted& operator=(const Counted&) = delete;
};

enum CensusParam : uint32_t { created_param, destroyed_param, census_param_count };

inline uint32_t census_value(uint32_t param) {
    return param == created_param ? census.created.load() : census.destroyed.load();
}

} // namespace scuff_dsp
