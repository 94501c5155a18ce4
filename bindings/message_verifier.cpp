#include "message_verifier.hpp"

#include "scuff/protocol/scan_report_generated.h"
#include "scuff/protocol/sandbox_message_generated.h"

namespace scuff::native {

bool verify_sandbox_message(const uint8_t* data, size_t size) {
    flatbuffers::Verifier verifier(data, size);
    return protocol::VerifySandboxMessageBuffer(verifier);
}

bool verify_scan_report(const uint8_t* data, size_t size) {
    flatbuffers::Verifier verifier(data, size);
    return protocol::VerifyScanReportBuffer(verifier);
}

} // namespace scuff::native
