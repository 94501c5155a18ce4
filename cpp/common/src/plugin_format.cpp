#include "scuff/plugin_format.hpp"

#include <algorithm>
#include <cctype>

namespace scuff {

namespace {

bool same_without_case(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](unsigned char x, unsigned char y) {
        return std::tolower(x) == std::tolower(y);
    });
}

} // namespace

PluginFormat plugin_format_of(std::string_view path) {
    while (path.size() > 1 && path.back() == '/') {
        path.remove_suffix(1);
    }
    std::string_view name = path.substr(path.find_last_of('/') + 1);
    size_t dot = name.find_last_of('.');
    // A name that is only an extension (".clap") is a hidden file, as std::filesystem says.
    if (dot == std::string_view::npos || dot == 0) {
        return PluginFormat::Unknown;
    }
    std::string_view extension = name.substr(dot);
    if (same_without_case(extension, ".clap")) {
        return PluginFormat::Clap;
    }
    if (same_without_case(extension, ".vst3")) {
        return PluginFormat::Vst3;
    }
    return PluginFormat::Unknown;
}

} // namespace scuff
