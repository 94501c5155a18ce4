#pragma once
// Confining a sandbox or scanner process before it loads a plugin: what it may read and
// write, whether it may reach the network or start programs, how much memory and CPU
// time it may use, and which system calls stop it. What could not be enforced on this
// kernel is reported, never skipped in silence.
#include <cstdint>
#include <string>
#include <vector>

namespace scuff::os {

struct ConfinementRequest {
    // 0: no limit.
    uint64_t memory_bytes = 0;
    uint32_t cpu_seconds = 0;
    // Read (and map, and run) everything beneath these paths.
    std::vector<std::string> read_paths;
    // Read, write, create and remove everything beneath these paths.
    std::vector<std::string> write_paths;
    // Unix sockets the process may connect to (the X server's): its file-system view shows
    // them, and nothing else of their folders.
    std::vector<std::string> socket_paths;
    // A folder the view shows as /tmp/.X11-unix instead of the real one (empty: none): the
    // client puts there the socket of an X server of the sandbox's own (a nested one).
    std::string x11_socket_folder;
    // The user's home folder, and the folder the process sees there instead: the settings
    // home of the plugin's vendor, or with `home_source` empty a scratch folder in memory.
    // Empty `home`: the home folder is not replaced.
    std::string home;
    std::string home_source;
    // Places in the home folder shown empty and read-only, made in the settings home if
    // missing (a trailing slash: a folder): where a login or a shell would run code from.
    std::vector<std::string> home_read_only;
    bool network = false;
    bool exec = false;
};

struct ConfinementItem {
    std::string what;  // "privileges", "memory", "cpu", "files", "network", "programs", "system calls", "signals"
    bool enforced;
    std::string how;   // the mechanism, or why it could not be used
};

// Confines the calling process for good. Call it while the process has one thread, before
// any plugin is loaded. `report_fd` (or -1) receives, one line each, what the process is
// stopped or refused for later: "forbidden-syscall NR NAME", "refused NAME ERRNO",
// "memory-limit BYTES" (a fatal signal or failed allocation at the memory limit), and
// from the file calls a sandbox interposes (refusal_reports.hpp) "refused-file OP ERRNO PATH".
std::vector<ConfinementItem> confine(const ConfinementRequest& request, int report_fd);

// The items as one JSON object: {"items": [{"what": ..., "enforced": ..., "how": ...}, ...]}.
std::string confinement_json(const std::vector<ConfinementItem>& items);

// The Landlock ABI version this kernel offers, 0 when it offers none.
int landlock_abi();

} // namespace scuff::os
