#include "scan_file.hpp"

#include <exception>
#include <string>

#include "clap_scan.hpp"
#include "scuff/plugin_format.hpp"
#include "vst3_scan.hpp"

namespace scuff::scan {

namespace {

struct FormatReader {
    PluginFormat format;
    ScanResult (*scan)(const std::filesystem::path& path, const ScanOptions& options);
};

// A new plugin format is one more line here. A VST3 plugin is usually a bundle folder
// named like a file; its reader finds the library inside.
constexpr FormatReader kReaders[] = {
    {PluginFormat::Clap, scan_clap_file},
    {PluginFormat::Vst3, scan_vst3_file},
};

} // namespace

ScanResult scan_file(const std::filesystem::path& path, const ScanOptions& options) {
    // Plugins and the client see the file under one absolute name, whatever the
    // scanner's working directory.
    std::error_code error;
    std::filesystem::path absolute = std::filesystem::absolute(path, error);
    if (error) {
        absolute = path;
    }
    // "X.vst3/" names the bundle X.vst3, and the report names it without the slash.
    if (!absolute.has_filename() && absolute.has_parent_path()) {
        absolute = absolute.parent_path();
    }

    ScanResult result;
    result.path = absolute.string();
    PluginFormat format = plugin_format_of(result.path);
    for (const FormatReader& reader : kReaders) {
        if (format != reader.format) {
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
