#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace scuff_test {

// std::to_chars/from_chars rather than printf/strtod: the host's locale must not change the decimal point.
inline bool format_number(double value, int decimals, const char* suffix, char* display, uint32_t size) {
    char number[64];
    const auto result = std::to_chars(number, number + sizeof(number), value, std::chars_format::fixed, decimals);
    if (result.ec != std::errc())
        return false;
    std::snprintf(display, size, "%.*s%s", static_cast<int>(result.ptr - number), number, suffix);
    return true;
}

// Accepts surrounding spaces and an optional unit suffix such as "dB"; rejects anything else.
inline bool parse_number(const char* text, const char* suffix, double& value) {
    const char* end = text + std::strlen(text);
    while (text < end && *text == ' ')
        ++text;
    const auto result = std::from_chars(text, end, value);
    if (result.ec != std::errc() || !std::isfinite(value))
        return false;
    const char* rest = result.ptr;
    while (rest < end && *rest == ' ')
        ++rest;
    const size_t suffix_size = std::strlen(suffix);
    if (static_cast<size_t>(end - rest) >= suffix_size && std::strncmp(rest, suffix, suffix_size) == 0)
        rest += suffix_size;
    while (rest < end && *rest == ' ')
        ++rest;
    return rest == end;
}

} // namespace scuff_test
