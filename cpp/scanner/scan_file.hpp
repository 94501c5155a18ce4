#pragma once
// Picks the reader for a plugin file from its extension.
#include <filesystem>

#include "scan_result.hpp"

namespace scuff::scan {

// Never throws: whatever goes wrong ends up in ScanResult::error.
ScanResult scan_file(const std::filesystem::path& path, const ScanOptions& options);

} // namespace scuff::scan
