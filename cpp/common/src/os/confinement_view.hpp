#pragma once
// The file-system view of a confined process (confinement_view_linux.cpp uses it;
// confinement_namespaces_linux.cpp calls it).
#include <string>
#include <vector>

#include "scuff/os/confinement.hpp"

namespace scuff::os {

struct ViewOutcome {
    // Empty when the process lives in its view; otherwise why it does not.
    std::string error;
    // Paths the request named that the view could not show, each with the reason.
    std::vector<std::string> unshown;
    // The home folder shows the settings home (or a scratch home), writable.
    bool home_shown = false;
    // Why the home folder could not be shown, when it could not.
    std::string home_error;
};

// Replaces the process's root by a new one in memory that holds only what the request
// names: its readable paths read-only, its writable paths, its sockets, and at the home
// folder the settings home (or a scratch home) with the request's paths beneath the home
// bound back in. The temporary folders (/tmp, /var/tmp, /dev/shm, /run) are empty but for
// what the request names beneath them. The root itself is read-only. Must run in new user
// and mount namespaces, single-threaded, while the process has their capabilities.
ViewOutcome enter_view(const ConfinementRequest& request);

} // namespace scuff::os
