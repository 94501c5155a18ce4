#include "scuff/vst3_text.hpp"

#include <cstring>

namespace scuff::vst3 {

namespace {

void append_utf8(std::string& out, char32_t code) {
    if (code < 0x80) {
        out += static_cast<char>(code);
    } else if (code < 0x800) {
        out += static_cast<char>(0xC0 | (code >> 6));
        out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
        out += static_cast<char>(0xE0 | (code >> 12));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (code >> 18));
        out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
    }
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

} // namespace

std::string utf8(const Steinberg::char16* text, size_t capacity) {
    std::string out;
    for (size_t i = 0; i < capacity && text[i] != 0; ++i) {
        char32_t unit = static_cast<char16_t>(text[i]);
        if (unit >= 0xD800 && unit < 0xDC00 && i + 1 < capacity) {
            char32_t low = static_cast<char16_t>(text[i + 1]);
            if (low >= 0xDC00 && low < 0xE000) {
                append_utf8(out, 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
                ++i;
                continue;
            }
        }
        append_utf8(out, unit >= 0xD800 && unit < 0xE000 ? 0xFFFD : unit);
    }
    return out;
}

std::string utf8(const Steinberg::char8* text, size_t capacity) {
    return std::string(text, strnlen(text, capacity));
}

std::u16string utf16(const std::string& text) {
    std::u16string out;
    for (size_t i = 0; i < text.size();) {
        auto byte = static_cast<unsigned char>(text[i]);
        int extra = byte < 0x80 ? 0 : (byte >> 5) == 0x6 ? 1 : (byte >> 4) == 0xE ? 2 : (byte >> 3) == 0x1E ? 3 : -1;
        char32_t code = extra == 0 ? byte : extra == 1 ? byte & 0x1F : extra == 2 ? byte & 0x0F : byte & 0x07;
        bool valid = extra >= 0 && i + extra < text.size();
        for (int k = 1; valid && k <= extra; ++k) {
            auto next = static_cast<unsigned char>(text[i + k]);
            valid = (next & 0xC0) == 0x80;
            code = (code << 6) | (next & 0x3F);
        }
        if (!valid || code > 0x10FFFF || (code >= 0xD800 && code < 0xE000)) {
            out += u'\uFFFD';
            i += 1;
            continue;
        }
        if (code >= 0x10000) {
            code -= 0x10000;
            out += static_cast<char16_t>(0xD800 + (code >> 10));
            out += static_cast<char16_t>(0xDC00 + (code & 0x3FF));
        } else {
            out += static_cast<char16_t>(code);
        }
        i += extra + 1;
    }
    return out;
}

void copy_utf16(const std::string& text, Steinberg::Vst::TChar* out, size_t capacity) {
    // ASCII is all a host name needs; other bytes become '?'.
    size_t i = 0;
    for (; i + 1 < capacity && i < text.size(); ++i) {
        auto byte = static_cast<unsigned char>(text[i]);
        out[i] = static_cast<Steinberg::Vst::TChar>(byte < 0x80 ? byte : '?');
    }
    if (capacity > 0) {
        out[i] = 0;
    }
}

std::string hex_id(const Steinberg::TUID cid) {
    static constexpr char kDigits[] = "0123456789ABCDEF";
    std::string id;
    for (size_t i = 0; i < sizeof(Steinberg::TUID); ++i) {
        auto byte = static_cast<unsigned char>(cid[i]);
        id += kDigits[byte >> 4];
        id += kDigits[byte & 0x0F];
    }
    return id;
}

std::optional<std::string> class_id_from_hex(const std::string& hex) {
    if (hex.size() != 2 * sizeof(Steinberg::TUID)) {
        return std::nullopt;
    }
    std::string cid(sizeof(Steinberg::TUID), '\0');
    for (size_t i = 0; i < cid.size(); ++i) {
        int high = hex_digit(hex[2 * i]), low = hex_digit(hex[2 * i + 1]);
        if (high < 0 || low < 0) {
            return std::nullopt;
        }
        cid[i] = static_cast<char>(high << 4 | low);
    }
    return cid;
}

} // namespace scuff::vst3
