#pragma once

#include "pluginterfaces/base/ftypes.h"

#include <cstddef>
#include <string>

namespace scuff_vst3 {

// The test plugins' strings are all ASCII, so UTF-16 conversion is a widening or narrowing copy.

// Copies `text` into a UTF-16 field of `size` units, always NUL-terminated.
inline void copy16(Steinberg::char16* field, size_t size, const char* text) {
    size_t i = 0;
    for (; i + 1 < size && text[i]; ++i)
        field[i] = static_cast<Steinberg::char16>(static_cast<unsigned char>(text[i]));
    field[i] = 0;
}

template <size_t N>
void copy16(Steinberg::char16 (&field)[N], const char* text) {
    copy16(field, N, text);
}

// Copies `text` into a fixed-size char field, always NUL-terminated.
template <size_t N>
void copy8(Steinberg::char8 (&field)[N], const char* text) {
    size_t i = 0;
    for (; i + 1 < N && text[i]; ++i)
        field[i] = text[i];
    field[i] = 0;
}

// A host's UTF-16 string as ASCII; anything outside ASCII becomes '?', which no parser accepts.
inline std::string narrow(const Steinberg::char16* text, size_t max = 128) {
    std::string out;
    for (size_t i = 0; text && i < max && text[i]; ++i)
        out += text[i] < 0x80 ? static_cast<char>(text[i]) : '?';
    return out;
}

} // namespace scuff_vst3
