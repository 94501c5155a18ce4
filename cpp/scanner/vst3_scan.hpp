#pragma once
// Reads every plugin of one VST3 bundle (or plain .vst3 library file).
#include <filesystem>

#include "scan_result.hpp"

namespace scuff::scan {

// Every "Audio Module Class" of the module's factory is one plugin, whose id is its class
// id as 32 uppercase hex digits. A module that cannot be loaded gives a result with
// `error` set; a class that cannot be instantiated is still listed, with what its class
// info says and no ports or params.
ScanResult scan_vst3_file(const std::filesystem::path& path, const ScanOptions& options);

} // namespace scuff::scan
