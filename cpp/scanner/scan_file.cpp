#include "scan_file.hpp"

#include <algorithm>
#include <cctype>
#include <exception>
#include <string>
#include <string_view>

#include "clap_scan.hpp"
#include "vst3_scan.hpp"

namespace scuff::scan {

namespace {

struct FormatReader {
    std::string_view extension;
    ScanResult (*scan)(const std::filesystem::path& path, const ScanOptions& options);
};

// A new plugin format is one more line here. A VST3 plugin is usually a bundle folder
// named like a file; its reader finds the library inside.
constexpr FormatReader kReaders[] = {
    {".clap", scan_clap_file},
    {".vst3", scan_vst3_file},
};

std::string lowercase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

} // namespace

ScanResult scan_file(const std::filesystem::path& path, const ScanOptions& options) {
    // Plugins and the client see the file under one absolute name, whatever the
    // scanner's working directory.
    std::error_code error;
    std::filesystem::path absolute = std::filesystem::absolute(path, error);
    if (error) {
        absolute = path;
    }
    // "X.vst3/" names the bundle X.vst3, whose extension a trailing slash would hide.
    if (!absolute.has_filename() && absolute.has_parent_path()) {
        absolute = absolute.parent_path();
    }

    ScanResult result;
    result.path = absolute.string();
    std::string extension = lowercase(absolute.extension().string());
    for (const FormatReader& reader : kReaders) {
        if (extension != reader.extension) {
            continue;
        }
        try {
            ScanResult read = reader.scan(absolute, options);
            if (read.error.empty() && !options.plugin_id.empty() && read.plugins.empty()) {
                read.error = "no plugin with the id " + options.plugin_id + " in " + read.path;
            }
            return read;
        } catch (const std::exception& failure) {
            result.error = failure.what();
        } catch (...) {
            result.error = "unknown failure while scanning " + result.path;
        }
        return result;
    }
    result.error = "unsupported plugin format: " + result.path;
    return result;
}

} // namespace scuff::scan
