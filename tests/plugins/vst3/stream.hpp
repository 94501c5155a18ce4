#pragma once

#include "pluginterfaces/base/ibstream.h"

#include <cstdint>

namespace scuff_vst3 {

// Hosts may accept or deliver a state blob in pieces, so both directions loop.
inline bool write_all(Steinberg::IBStream* stream, const void* data, Steinberg::int32 size) {
    if (!stream)
        return false;
    auto* bytes = static_cast<uint8_t*>(const_cast<void*>(data));
    while (size > 0) {
        Steinberg::int32 written = 0;
        if (stream->write(bytes, size, &written) != Steinberg::kResultOk || written <= 0)
            return false;
        bytes += written;
        size -= written;
    }
    return true;
}

// Reads exactly `size` bytes. What follows is left alone: some hosts hand over a window of a larger
// preset file, whose end the plugin cannot see.
inline bool read_all(Steinberg::IBStream* stream, void* data, Steinberg::int32 size) {
    if (!stream)
        return false;
    auto* bytes = static_cast<uint8_t*>(data);
    while (size > 0) {
        Steinberg::int32 got = 0;
        if (stream->read(bytes, size, &got) != Steinberg::kResultOk || got <= 0)
            return false;
        bytes += got;
        size -= got;
    }
    return true;
}

} // namespace scuff_vst3
