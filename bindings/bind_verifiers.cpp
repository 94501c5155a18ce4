// The FlatBuffers verifiers, for the messages of sandboxes and scanners.
#include <nanobind/nanobind.h>

#include "bindings.hpp"
#include "message_verifier.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace scuff::native {

namespace {

std::pair<const uint8_t*, size_t> bytes_of(const nb::bytes& data) {
    return {reinterpret_cast<const uint8_t*>(data.c_str()), data.size()};
}

} // namespace

void bind_verifiers(nb::module_& m) {
    m.def("verify_sandbox_message", [](nb::bytes data) {
        auto [bytes, size] = bytes_of(data);
        return verify_sandbox_message(bytes, size);
    }, "data"_a, "True if `data` is a well-formed SandboxMessage FlatBuffer.");
    m.def("verify_scan_report", [](nb::bytes data) {
        auto [bytes, size] = bytes_of(data);
        return verify_scan_report(bytes, size);
    }, "data"_a, "True if `data` is a well-formed ScanReport FlatBuffer.");
}

} // namespace scuff::native
