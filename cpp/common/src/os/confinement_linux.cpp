// Linux confinement without privileges, step by step (confinement_steps.hpp): rlimits for
// memory and CPU time; user, mount and network namespaces and a file-system view of the
// process's own (confinement_namespaces_linux.cpp, confinement_view_linux.cpp); no new
// privileges and no capabilities; Landlock for files (and TCP, and signals, where the
// kernel's Landlock is new enough); a seccomp filter for the system calls a plugin has no
// business making.
#include "scuff/os/confinement.hpp"

#include "confinement_namespaces.hpp"
#include "confinement_report.hpp"
#include "confinement_steps.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>

#include <fcntl.h>
#include <linux/capability.h>
#include <linux/landlock.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace scuff::os {

namespace {

// --- memory: what the handlers read ---

uint64_t memory_limit_bytes = 0;
int statm_fd = -1;

// Bytes of private writable memory (what RLIMIT_DATA counts, plus the main stack).
uint64_t data_in_use() {
    if (statm_fd < 0) {
        return 0;
    }
    char buffer[256];
    ssize_t size = pread(statm_fd, buffer, sizeof buffer - 1, 0);
    if (size <= 0) {
        return 0;
    }
    // Fields: size resident shared text lib data dt, in pages.
    int field = 0;
    uint64_t value = 0;
    for (ssize_t i = 0; i < size; ++i) {
        if (buffer[i] == ' ') {
            if (++field == 6) {
                break;
            }
            value = 0;
        } else if (buffer[i] >= '0' && buffer[i] <= '9') {
            value = value * 10 + static_cast<uint64_t>(buffer[i] - '0');
        }
    }
    return field == 6 ? value * static_cast<uint64_t>(sysconf(_SC_PAGESIZE)) : 0;
}

bool near_memory_limit() {
    if (memory_limit_bytes == 0) {
        return false;
    }
    uint64_t margin = std::max<uint64_t>(memory_limit_bytes / 16, 4u << 20);
    return data_in_use() + margin >= memory_limit_bytes;
}

void report_memory_limit() { ReportLine().add("memory-limit ").add(memory_limit_bytes).send(); }

// A fatal signal at the memory limit is most likely a failed allocation the plugin did
// not check: it is reported as such, then the signal takes its default course.
void on_fatal_signal(int signal) {
    int saved_errno = errno;
    if (near_memory_limit()) {
        report_memory_limit();
    }
    errno = saved_errno;
    // SA_RESETHAND made the action the default again: a fault re-raises itself when the
    // instruction runs again, and a signal sent from outside must still end the process.
    syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), signal);
}

void on_allocation_failure() {
    report_memory_limit();
    std::abort();
}

// --- capabilities and privileges ---

bool drop_capabilities() {
    for (int cap = 0; cap <= 63; ++cap) {
        // Fails without CAP_SETPCAP, or past the last capability; either is fine.
        prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
    }
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    return syscall(SYS_capset, &header, data) == 0;
}

// --- rlimits ---

void limit_resources(const ConfinementRequest& request, std::vector<ConfinementItem>& items) {
    rlimit no_core{0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    if (request.memory_bytes != 0) {
        rlimit data{request.memory_bytes, request.memory_bytes};
        bool ok = setrlimit(RLIMIT_DATA, &data) == 0;
        if (ok) {
            memory_limit_bytes = request.memory_bytes;
            statm_fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
            std::set_new_handler(on_allocation_failure);
            for (int signal : {SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE}) {
                install_signal_handler(
                    signal, [](int number, siginfo_t*, void*) { on_fatal_signal(number); }, SA_RESETHAND);
            }
        }
        items.push_back({"memory", ok,
                         ok ? "RLIMIT_DATA " + std::to_string(request.memory_bytes >> 20) +
                                  " MiB (private writable memory); reaching it stops the sandbox"
                            : std::string("setrlimit(RLIMIT_DATA) failed: ") + std::strerror(errno)});
    }
    if (request.cpu_seconds != 0) {
        // SIGXCPU at the soft limit; SIGKILL a second later if the plugin ignores it.
        rlimit cpu{request.cpu_seconds, request.cpu_seconds + 1};
        bool ok = setrlimit(RLIMIT_CPU, &cpu) == 0;
        items.push_back({"cpu", ok,
                         ok ? "RLIMIT_CPU " + std::to_string(request.cpu_seconds) +
                                  " s of CPU time over the process's life (SIGXCPU)"
                            : std::string("setrlimit(RLIMIT_CPU) failed: ") + std::strerror(errno)});
    }
}

void append_escaped(std::string& out, std::string_view text) {
    out += '"';
    for (char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            out += ' ';
        } else {
            out += c;
        }
    }
    out += '"';
}

} // namespace

int landlock_abi() {
    errno = 0;
    long abi = syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
    if (abi < 0) {
        return 0;
    }
    // Lets the tests see how the sandbox falls back on an older kernel's Landlock.
    if (const char* cap = std::getenv("SCUFF_LANDLOCK_ABI_MAX"); cap != nullptr && *cap != '\0') {
        abi = std::min(abi, std::strtol(cap, nullptr, 10));
    }
    return abi < 0 ? 0 : static_cast<int>(abi);
}

bool install_signal_handler(int signal, void (*handler)(int, siginfo_t*, void*), int flags) {
    struct sigaction action {};
    action.sa_sigaction = handler;
    action.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&action.sa_mask);
    return sigaction(signal, &action, nullptr) == 0;
}

std::vector<ConfinementItem> confine(const ConfinementRequest& request, int fd) {
    std::vector<ConfinementItem> items;
    set_report_descriptor(fd);
    limit_resources(request, items);
    int death_signal = 0;
    prctl(PR_GET_PDEATHSIG, &death_signal);
    bool home_shown = isolate_with_namespaces(request, items);
    // Kept across the new user namespace by today's kernels; set again all the same.
    if (death_signal != 0) {
        prctl(PR_SET_PDEATHSIG, death_signal);
    }
    bool no_new_privs = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0;
    bool no_capabilities = drop_capabilities();
    items.push_back({"privileges", no_new_privs && no_capabilities,
                     std::string(no_new_privs ? "no_new_privs" : "PR_SET_NO_NEW_PRIVS failed") +
                         (no_capabilities ? ", every capability dropped" : ", capabilities could not be dropped")});
    ConfinementRequest landlocked = request;
    if (home_shown) {
        landlocked.write_paths.push_back(request.home);
    }
    restrict_with_landlock(landlocked, items);
    filter_system_calls(request, items);
    return items;
}

std::string confinement_json(const std::vector<ConfinementItem>& items) {
    std::string out = "{\"items\": [";
    for (size_t i = 0; i < items.size(); ++i) {
        out += i == 0 ? "{\"what\": " : ", {\"what\": ";
        append_escaped(out, items[i].what);
        out += items[i].enforced ? ", \"enforced\": true, \"how\": " : ", \"enforced\": false, \"how\": ";
        append_escaped(out, items[i].how);
        out += '}';
    }
    out += "]}";
    return out;
}

} // namespace scuff::os
