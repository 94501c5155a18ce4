#pragma once
// Reference counting for the host's own VST3 objects: each starts with one reference,
// owned by whoever created it, and deletes itself when the last one is released.
#include <atomic>

#include "pluginterfaces/base/funknown.h"

namespace scuff::sbox {

class Vst3RefCount {
public:
    Steinberg::uint32 add() { return ++count_; }
    // True when that was the last reference.
    bool remove(Steinberg::uint32& remaining) {
        remaining = --count_;
        return remaining == 0;
    }

private:
    std::atomic<Steinberg::uint32> count_{1};
};

#define SCUFF_VST3_REFCOUNT                                                                     \
    Steinberg::uint32 PLUGIN_API addRef() override { return refs_.add(); }                      \
    Steinberg::uint32 PLUGIN_API release() override {                                           \
        Steinberg::uint32 remaining;                                                            \
        if (refs_.remove(remaining)) delete this;                                               \
        return remaining;                                                                       \
    }                                                                                           \
    Vst3RefCount refs_;

} // namespace scuff::sbox
