#pragma once
// The steps of Linux confinement, in the order confine() takes them (confinement_linux.cpp):
// rlimits, namespaces and the file-system view, privileges, Landlock, seccomp. Each appends
// what it enforced, or why it could not, to `items`.
#include <vector>

#include <signal.h>

#include "scuff/os/confinement.hpp"

namespace scuff::os {

// Landlock rules for the request's paths (and the settings home once the view shows one),
// TCP and abstract sockets and signals scoped where this kernel's ABI allows.
void restrict_with_landlock(const ConfinementRequest& request, std::vector<ConfinementItem>& items);

// The seccomp filter, and the SIGSYS handler that names a forbidden call on the report
// descriptor before the process dies of it.
void filter_system_calls(const ConfinementRequest& request, std::vector<ConfinementItem>& items);

// sigaction with SA_SIGINFO and `flags`, nothing blocked while the handler runs.
bool install_signal_handler(int signal, void (*handler)(int, siginfo_t*, void*), int flags);

} // namespace scuff::os
