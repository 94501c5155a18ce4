#pragma once
// Reads every plugin of one CLAP file.
#include <filesystem>

#include "scan_result.hpp"

namespace scuff::scan {

// A file that cannot be loaded gives a result with `error` set; a plugin that cannot
// be instantiated is still listed, with what its descriptor says and no ports or params.
ScanResult scan_clap_file(const std::filesystem::path& path, const ScanOptions& options);

} // namespace scuff::scan
