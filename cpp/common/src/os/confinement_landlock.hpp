#pragma once
// The Landlock layer of Linux confinement (confinement_linux.cpp uses it).
#include <vector>

#include "scuff/os/confinement.hpp"

namespace scuff::os {

// Restricts the process's file access to the requested paths (and, where this kernel's
// Landlock ABI allows, its TCP and its signals), and says what it could enforce.
void restrict_with_landlock(const ConfinementRequest& request, std::vector<ConfinementItem>& items);

} // namespace scuff::os
