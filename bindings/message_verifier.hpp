#pragma once
// FlatBuffers verification of everything the client receives from a sandbox or the
// scanner: a buffer is read only after it passed.
#include <cstddef>
#include <cstdint>

namespace scuff::native {

bool verify_sandbox_message(const uint8_t* data, size_t size);
bool verify_scan_report(const uint8_t* data, size_t size);

} // namespace scuff::native
