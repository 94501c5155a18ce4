#pragma once
// The namespace layer of Linux confinement (confinement_linux.cpp uses it).
#include <vector>

#include "scuff/os/confinement.hpp"

namespace scuff::os {

// Moves the process into new user and mount namespaces (and a network namespace of its own
// unless the request allows the network), and into a file-system view of its own
// (confinement_view.hpp). Returns whether the home folder shows the settings home (or a
// scratch home) there, writable. Must run single-threaded, before capabilities are dropped.
bool isolate_with_namespaces(const ConfinementRequest& request, std::vector<ConfinementItem>& items);

} // namespace scuff::os
