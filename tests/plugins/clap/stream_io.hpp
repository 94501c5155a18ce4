#pragma once

#include "clap/stream.h"

#include <cstdint>

namespace scuff_test {

// Hosts may accept or deliver a state blob in pieces, so both directions loop.
inline bool write_all(const clap_ostream_t& stream, const void* data, uint64_t size) {
    auto* bytes = static_cast<const uint8_t*>(data);
    while (size > 0) {
        const int64_t written = stream.write(&stream, bytes, size);
        if (written <= 0)
            return false;
        bytes += written;
        size -= static_cast<uint64_t>(written);
    }
    return true;
}

// True only if the stream holds exactly `size` bytes: a longer blob is as malformed as a short one.
inline bool read_exactly(const clap_istream_t& stream, void* data, uint64_t size) {
    auto* bytes = static_cast<uint8_t*>(data);
    while (size > 0) {
        const int64_t got = stream.read(&stream, bytes, size);
        if (got <= 0)
            return false;
        bytes += got;
        size -= static_cast<uint64_t>(got);
    }
    uint8_t extra;
    return stream.read(&stream, &extra, 1) == 0;
}

} // namespace scuff_test
