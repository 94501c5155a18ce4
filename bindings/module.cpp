// The scuff._native module: what the Python client cannot do fast or safely itself. Each area
// is bound by a function of its own (bindings.hpp).
#include <nanobind/nanobind.h>

#include "bindings.hpp"
#include "scuff/param_limit.hpp"

namespace nb = nanobind;

NB_MODULE(_native, m) {
    m.doc() = "scuff's native real-time path: shared memory, audio cycles, message verification.";
    // Groups and devices kept in a program's globals live until the interpreter ends;
    // that is no leak worth a warning on every exit.
    nb::set_leak_warnings(false);
    m.attr("MAX_PARAMS") = scuff::kMaxParams;

    scuff::native::bind_verifiers(m);
    scuff::native::bind_device_info(m);
    scuff::native::bind_sandbox_signals(m);
    scuff::native::bind_device_memory(m);
    scuff::native::bind_engine(m);
    scuff::native::bind_jack(m);
}
