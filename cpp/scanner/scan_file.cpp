#include "scan_file.hpp"

#include <algorithm>
#include <cctype>
#include <exception>
#include <string>
#include <string_view>

#include "clap_scan.hpp"

namespace scuff::scan {

namespace {

struct FormatReader {
    std::string_view extension;
    ScanResult (*scan)(const std::filesystem::path& path);
};

// A new plugin format (vst3_scan.cpp) is one more line here.
constexpr FormatReader kReaders[] = {
    {".clap", scan_clap_file},
};

std::string lowercase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

} // namespace

ScanResult scan_file(const std::filesystem::path& path) {
    // Plugins and the client see the file under one absolute name, whatever the
    // scanner's working directory.
    std::error_code error;
    std::filesystem::path absolute = std::filesystem::absolute(path, error);
    if (error) {
        absolute = path;
    }

    ScanResult result;
    result.path = absolute.string();
    std::string extension = lowercase(absolute.extension().string());
    for (const FormatReader& reader : kReaders) {
        if (extension != reader.extension) {
            continue;
        }
        try {
            return reader.scan(absolute);
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
