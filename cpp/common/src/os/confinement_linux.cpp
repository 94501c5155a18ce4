// Linux confinement without privileges: rlimits for memory and CPU time, no new
// privileges and no capabilities, Landlock for files (and TCP, and signals, where the
// kernel's Landlock is new enough; confinement_landlock_linux.cpp), and a seccomp filter
// for the system calls a plugin has no business making. The filter traps rather than
// kills, so that a SIGSYS handler can name the call on the report descriptor before the
// process dies.
#include "scuff/os/confinement.hpp"

#include "confinement_landlock.hpp"
#include "confinement_namespaces.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>

#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

namespace scuff::os {

namespace {

// --- the report descriptor, written from signal handlers ---

int report_fd = -1;
uint64_t memory_limit_bytes = 0;
int statm_fd = -1;

// Async-signal-safe formatting: a line is built in a stack buffer and written at once,
// so that lines from two threads never interleave (a pipe write under 4 KiB is atomic).
struct Line {
    char text[160];
    size_t size = 0;

    Line& add(std::string_view part) {
        for (char c : part) {
            if (size + 1 < sizeof text) {
                text[size++] = c;
            }
        }
        return *this;
    }
    Line& add(uint64_t number) {
        char digits[24];
        size_t count = 0;
        do {
            digits[count++] = static_cast<char>('0' + number % 10);
            number /= 10;
        } while (number != 0);
        while (count > 0) {
            char digit[1] = {digits[--count]};
            add(std::string_view(digit, 1));
        }
        return *this;
    }
    void send() {
        add("\n");
        if (report_fd >= 0) {
            [[maybe_unused]] auto written = write(report_fd, text, size);
        }
    }
};

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

void report_memory_limit() { Line().add("memory-limit ").add(memory_limit_bytes).send(); }

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

// --- system calls the filter traps ---

struct TrappedCall {
    int nr;
    const char* name;
    // 0: the process is stopped; otherwise the call fails with this errno.
    int error;
    std::atomic<uint32_t> refusals;
};

constexpr size_t kMaxTrapped = 96;
// Each refused call is reported a few times only: a plugin retrying in a loop must not
// flood the client.
constexpr uint32_t kRefusalReports = 3;
std::array<TrappedCall, kMaxTrapped> trapped;
size_t trapped_count = 0;

TrappedCall* find_trapped(int nr) {
    for (size_t i = 0; i < trapped_count; ++i) {
        if (trapped[i].nr == nr) {
            return &trapped[i];
        }
    }
    return nullptr;
}

#if defined(__x86_64__)
void set_return_value(void* context, long value) {
    static_cast<ucontext_t*>(context)->uc_mcontext.gregs[REG_RAX] = value;
}
constexpr bool kCanEmulateErrors = true;
#elif defined(__aarch64__)
void set_return_value(void* context, long value) { static_cast<ucontext_t*>(context)->uc_mcontext.regs[0] = value; }
constexpr bool kCanEmulateErrors = true;
#else
void set_return_value(void*, long) {}
constexpr bool kCanEmulateErrors = false;
#endif

void on_sigsys(int, siginfo_t* info, void* context) {
    int saved_errno = errno;
    TrappedCall* call = find_trapped(info->si_syscall);
    if (call != nullptr && call->error != 0) {
        set_return_value(context, -call->error);
        if (call->refusals.fetch_add(1, std::memory_order_relaxed) < kRefusalReports) {
            Line().add("refused ").add(call->name).add(" ").add(static_cast<uint64_t>(call->error)).send();
        }
        errno = saved_errno;
        return;
    }
    set_return_value(context, -EPERM);
    Line()
        .add("forbidden-syscall ")
        .add(static_cast<uint64_t>(info->si_syscall))
        .add(" ")
        .add(call != nullptr ? call->name : "unknown")
        .send();
    // Dies of SIGSYS as soon as this handler returns: the signal is blocked until then.
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    sigaction(SIGSYS, &default_action, nullptr);
    syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGSYS);
}

bool install_handler(int signal, void (*handler)(int, siginfo_t*, void*), int flags) {
    struct sigaction action {};
    action.sa_sigaction = handler;
    action.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&action.sa_mask);
    return sigaction(signal, &action, nullptr) == 0;
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

// --- seccomp ---

struct FilterBuilder {
    scmp_filter_ctx context;
    bool ok = true;

    // `error` 0: stops the process. Traps only where a handler can make the call fail.
    void trap(int nr, int error, unsigned count = 0, const scmp_arg_cmp* comparisons = nullptr) {
        if (nr < 0) {
            return;  // not a call of this architecture
        }
        uint32_t action = SCMP_ACT_TRAP;
        if (error != 0 && !kCanEmulateErrors) {
            action = SCMP_ACT_ERRNO(static_cast<uint16_t>(error));
        } else if (find_trapped(nr) == nullptr && trapped_count < kMaxTrapped) {
            const char* name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
            trapped[trapped_count].nr = nr;
            trapped[trapped_count].name = name ? name : "unknown";
            trapped[trapped_count].error = error;
            ++trapped_count;
        }
        ok = seccomp_rule_add_array(context, action, nr, count, comparisons) == 0 && ok;
    }
    void trap(const char* name, int error = 0) { trap(seccomp_syscall_resolve_name(name), error); }
    void fail(const char* name, int error) {
        int nr = seccomp_syscall_resolve_name(name);
        if (nr >= 0) {
            ok = seccomp_rule_add(context, SCMP_ACT_ERRNO(static_cast<uint16_t>(error)), nr, 0) == 0 && ok;
        }
    }
};

constexpr const char* kForbiddenCalls[] = {
    "ptrace",        "process_vm_readv", "process_vm_writev", "process_madvise", "pidfd_getfd",
    "mount",         "umount2",          "pivot_root",        "chroot",          "fsopen",
    "fsconfig",      "fsmount",          "fspick",            "move_mount",      "open_tree",
    "mount_setattr", "bpf",              "perf_event_open",   "kexec_load",      "kexec_file_load",
    "init_module",   "finit_module",     "delete_module",     "reboot",          "swapon",
    "swapoff",       "setns",            "open_by_handle_at", "acct",            "iopl",
    "ioperm",        "quotactl",         "settimeofday",      "clock_settime",   "clock_adjtime",
    "adjtimex",      "tkill",            "pidfd_send_signal", "add_key",         "request_key",
};

// Harmless to refuse, and dangerous to allow: they fail as if not permitted.
constexpr const char* kRefusedCalls[] = {
    "unshare", "keyctl", "userfaultfd", "kcmp", "name_to_handle_at", "fanotify_init", "io_uring_setup",
};

// Socket families that stay usable without network access: local sockets, netlink.
bool is_local_family(int family) { return family == AF_UNIX || family == AF_NETLINK; }

void filter_system_calls(const ConfinementRequest& request, std::vector<ConfinementItem>& items) {
    FilterBuilder filter{seccomp_init(SCMP_ACT_ALLOW)};
    if (filter.context == nullptr) {
        items.push_back({"system calls", false, "seccomp_init failed"});
        return;
    }
    // A binary tree of rules: calls the filter allows, the audio thread's futex and
    // sched_yield above all, pass in a few comparisons. Without the kernel's
    // speculative-store-bypass mitigation, which some kernels force on filtered
    // processes: it slows the plugin's own code, and guards only memory the plugin can
    // read anyway.
    seccomp_attr_set(filter.context, SCMP_FLTATR_CTL_OPTIMIZE, 2);
    seccomp_attr_set(filter.context, SCMP_FLTATR_CTL_SSB, 1);
    auto pid = static_cast<scmp_datum_t>(getpid());
    for (const char* name : kForbiddenCalls) {
        filter.trap(name);
    }
    for (const char* name : kRefusedCalls) {
        filter.trap(name, EPERM);
    }
    // Signals only to itself: the sandbox shares its client's process group.
    for (const char* name : {"kill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo"}) {
        scmp_arg_cmp other = SCMP_A0(SCMP_CMP_NE, pid);
        filter.trap(seccomp_syscall_resolve_name(name), 0, 1, &other);
    }
    {
        // Limits of another process (raising its own is prevented by the hard limits).
        scmp_arg_cmp other = SCMP_A0(SCMP_CMP_NE, 0);
        filter.trap(seccomp_syscall_resolve_name("prlimit64"), 0, 1, &other);
    }
    if (request.cpu_seconds != 0) {
        // SIGXCPU must end the process, so that the client can tell why it ended.
        scmp_arg_cmp xcpu = SCMP_A0(SCMP_CMP_EQ, SIGXCPU);
        filter.trap(seccomp_syscall_resolve_name("rt_sigaction"), EPERM, 1, &xcpu);
    }
    if (!request.exec) {
        filter.trap("execve");
        filter.trap("execveat");
        // New processes: threads (CLONE_THREAD) only. clone3's flags are out of the
        // filter's reach, so it reports ENOSYS and the C library falls back to clone.
        scmp_arg_cmp not_thread = SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0);
        filter.trap(seccomp_syscall_resolve_name("clone"), EPERM, 1, &not_thread);
        filter.fail("clone3", ENOSYS);
        filter.trap("fork", EPERM);
        filter.trap("vfork", EPERM);
    }
    if (!request.network) {
        int socket_nr = seccomp_syscall_resolve_name("socket");
        for (int family = 0; family <= AF_NETLINK; ++family) {
            if (!is_local_family(family)) {
                scmp_arg_cmp same = SCMP_A0(SCMP_CMP_EQ, static_cast<scmp_datum_t>(family));
                filter.trap(socket_nr, EACCES, 1, &same);
            }
        }
        scmp_arg_cmp above = SCMP_A0(SCMP_CMP_GT, static_cast<scmp_datum_t>(AF_NETLINK));
        filter.trap(socket_nr, EACCES, 1, &above);
    }
    if (filter.ok) {
        filter.ok = install_handler(SIGSYS, on_sigsys, 0) && seccomp_load(filter.context) == 0;
    }
    seccomp_release(filter.context);
    if (!filter.ok) {
        items.push_back({"system calls", false, "the seccomp filter could not be installed"});
        items.push_back({"signals (seccomp)", false, "the seccomp filter could not be installed"});
        items.push_back({"programs", false, "the seccomp filter could not be installed"});
        if (!request.network) {
            items.push_back({"network (sockets, seccomp)", false, "the seccomp filter could not be installed"});
        }
        return;
    }
    items.push_back({"system calls", true,
                     "seccomp: ptrace, process_vm_*, mount, bpf, perf_event_open, module and reboot calls "
                     "stop the sandbox (SIGSYS, the call named)"});
    items.push_back({"signals (seccomp)", true, "seccomp: a signal to another process stops the sandbox"});
    if (!request.exec) {
        items.push_back({"programs", true, "seccomp: execve stops the sandbox; fork is refused (threads only)"});
    }
    if (!request.network) {
        items.push_back({"network (sockets, seccomp)", true,
                         "seccomp: only Unix and netlink sockets; io_uring refused"});
    }
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
                install_handler(
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

std::vector<ConfinementItem> confine(const ConfinementRequest& request, int fd) {
    std::vector<ConfinementItem> items;
    report_fd = fd;
    limit_resources(request, items);
    int death_signal = 0;
    prctl(PR_GET_PDEATHSIG, &death_signal);
    isolate_with_namespaces(request, items);
    // Kept across the new user namespace by today's kernels; set again all the same.
    if (death_signal != 0) {
        prctl(PR_SET_PDEATHSIG, death_signal);
    }
    bool no_new_privs = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0;
    bool no_capabilities = drop_capabilities();
    items.push_back({"privileges", no_new_privs && no_capabilities,
                     std::string(no_new_privs ? "no_new_privs" : "PR_SET_NO_NEW_PRIVS failed") +
                         (no_capabilities ? ", every capability dropped" : ", capabilities could not be dropped")});
    restrict_with_landlock(request, items);
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
