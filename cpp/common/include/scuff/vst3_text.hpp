#pragma once
// VST3 strings and class ids as scuff reports them: UTF-16 fields become UTF-8, and a
// class id is written as 32 uppercase hex digits (the plugin id of a VST3 plugin).
#include <optional>
#include <string>

#include "pluginterfaces/base/funknown.h"
#include "pluginterfaces/vst/vsttypes.h"

namespace scuff::vst3 {

// Fixed-size fields are not guaranteed to be NUL-terminated; a lone surrogate becomes U+FFFD.
std::string utf8(const Steinberg::char16* text, size_t capacity);
std::string utf8(const Steinberg::char8* text, size_t capacity);

template <size_t N>
std::string text(const Steinberg::char16 (&value)[N]) {
    return utf8(value, N);
}
template <size_t N>
std::string text(const Steinberg::char8 (&value)[N]) {
    return utf8(value, N);
}

// UTF-8 as UTF-16 (invalid bytes become U+FFFD), for strings a plugin reads.
std::u16string utf16(const std::string& text);

// Writes `text` into a fixed UTF-16 field, truncated and NUL-terminated.
void copy_utf16(const std::string& text, Steinberg::Vst::TChar* out, size_t capacity);

std::string hex_id(const Steinberg::TUID cid);
// The class id written as 32 hex digits (either case), or nothing.
std::optional<std::string> class_id_from_hex(const std::string& hex);

} // namespace scuff::vst3
