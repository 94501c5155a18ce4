#pragma once
// The namespace layer of Linux confinement (confinement_linux.cpp uses it).
#include <vector>

#include "scuff/os/confinement.hpp"

namespace scuff::os {

// Moves the process into new user and mount namespaces (and a network namespace of its own
// unless the request allows the network), and replaces the folders where other programs
// keep their Unix sockets and shared files with empty ones, keeping the requested paths
// beneath them. Must run single-threaded, before capabilities are dropped.
void isolate_with_namespaces(const ConfinementRequest& request, std::vector<ConfinementItem>& items);

} // namespace scuff::os
