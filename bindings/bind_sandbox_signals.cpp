// SandboxSignals: one sandbox's audio handshake, as the client's threads see it.
#include <nanobind/nanobind.h>
#include <nanobind/stl/shared_ptr.h>

#include "bindings.hpp"
#include "sandbox_signals.hpp"

namespace nb = nanobind;

namespace scuff::native {

void bind_sandbox_signals(nb::module_& m) {
    nb::class_<SandboxSignals>(m, "SandboxSignals", "The shared audio handshake of one sandbox.")
        .def(nb::new_([] { return std::make_shared<SandboxSignals>(); }))
        .def_prop_ro("fd", &SandboxSignals::fd)
        .def_prop_rw("alive",
                     [](SandboxSignals& self) { return self.alive.load(); },
                     [](SandboxSignals& self, bool alive) {
                         self.alive = alive;
                         // A cycle may be asleep waiting for this sandbox: it must stop waiting.
                         scuff::os::notify(self.control().to_client);
                     })
        .def_prop_ro("late", [](SandboxSignals& self) { return self.is_late.load(std::memory_order_relaxed); },
                     "Missed the deadline of its last cycle and has not caught up yet.")
        .def_prop_ro("consecutive_missed",
                     [](SandboxSignals& self) { return self.consecutive_missed.load(std::memory_order_relaxed); },
                     "Cycles missed in a row.")
        .def(
            "revive",
            [](SandboxSignals& self) {
                // Reset here too, so the watchdog never reads the old process's misses.
                self.consecutive_missed = 0;
                self.is_late = false;
                self.revived = true;
                self.alive = true;
            },
            "A restarted process took over: it is alive, and on time.")
        .def_prop_ro("missed_cycles", [](SandboxSignals& self) { return self.missed_cycles; })
        .def_prop_ro("last_cycle_ns", [](SandboxSignals& self) {
            return self.control().last_cycle_ns.load(std::memory_order_relaxed);
        });
}

} // namespace scuff::native
