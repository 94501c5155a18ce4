#pragma once
// Encodes a scan result as the ScanReport FlatBuffer that scuff-scan prints.
#include <flatbuffers/flatbuffers.h>

#include "scan_result.hpp"

namespace scuff::scan {

flatbuffers::DetachedBuffer encode_report(const ScanResult& result);

} // namespace scuff::scan
