#pragma once
// An IBStream over bytes in memory: how a VST3 plugin's state is read and written.
#include <cstdint>
#include <vector>

#include "pluginterfaces/base/ibstream.h"
#include "vst3/ref_count.hpp"

namespace scuff::sbox {

class Vst3MemoryStream final : public Steinberg::IBStream {
public:
    Vst3MemoryStream() = default;
    explicit Vst3MemoryStream(std::vector<uint8_t> bytes) : bytes_(std::move(bytes)) {}

    const std::vector<uint8_t>& bytes() const { return bytes_; }
    std::vector<uint8_t> take() { return std::move(bytes_); }

    Steinberg::tresult PLUGIN_API queryInterface(const Steinberg::TUID iid, void** object) override;
    SCUFF_VST3_REFCOUNT

    Steinberg::tresult PLUGIN_API read(void* buffer, Steinberg::int32 count, Steinberg::int32* done) override;
    Steinberg::tresult PLUGIN_API write(void* buffer, Steinberg::int32 count, Steinberg::int32* done) override;
    Steinberg::tresult PLUGIN_API seek(Steinberg::int64 position, Steinberg::int32 mode,
                                       Steinberg::int64* result) override;
    Steinberg::tresult PLUGIN_API tell(Steinberg::int64* position) override;

private:
    std::vector<uint8_t> bytes_;
    uint64_t position_ = 0;
};

} // namespace scuff::sbox
