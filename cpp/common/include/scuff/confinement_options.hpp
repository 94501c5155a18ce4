#pragma once
// The command-line options by which the client confines scuff-sbox and scuff-scan:
//   --report-fd N            where confinement reports and limit reports go
//   --confine 1              confine at all (without it, only the report is written)
//   --confine-read PATH      repeated: readable folders and files
//   --confine-write PATH     repeated: writable folders and files
//   --confine-socket PATH    repeated: Unix sockets it may reach (the X server's)
//   --confine-x11-folder PATH  a folder shown as /tmp/.X11-unix (a nested X server's socket)
//   --confine-home PATH      the home folder, replaced in its view by a scratch home or by
//   --confine-home-source PATH   the settings home shown there
//   --confine-home-read-only REL repeated: a place in it shown empty and read-only (REL/: a folder)
//   --confine-memory-mb N    --confine-cpu-seconds N
//   --confine-network 1      --confine-exec 1
#include <string_view>

#include "scuff/os/confinement.hpp"

namespace scuff {

struct ConfinementOptions {
    bool confine = false;
    int report_fd = -1;
    os::ConfinementRequest request;
};

enum class OptionMatch { NotConfinement, Parsed, Invalid };

OptionMatch parse_confinement_option(std::string_view name, std::string_view value, ConfinementOptions& options);

// Confines the process as asked (if asked) and writes "confinement {JSON}" on the report
// descriptor. Must run while the process has a single thread, before any plugin loads.
void apply_confinement(const ConfinementOptions& options);

} // namespace scuff
