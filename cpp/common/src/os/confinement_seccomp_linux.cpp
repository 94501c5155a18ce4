// The seccomp filter of a confined process: the system calls a plugin has no business
// making stop the process, a few harmless ones fail as if not permitted. The filter traps
// rather than kills, so that a SIGSYS handler can name the call on the report descriptor
// before the process dies, or make a refused call fail with its errno and say so.
#include "confinement_report.hpp"
#include "confinement_steps.hpp"

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>

#include <sched.h>
#include <seccomp.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

namespace scuff::os {

namespace {

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
            ReportLine().add("refused ").add(call->name).add(" ").add(static_cast<uint64_t>(call->error)).send();
        }
        errno = saved_errno;
        return;
    }
    set_return_value(context, -EPERM);
    ReportLine()
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

} // namespace

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
        filter.ok = install_signal_handler(SIGSYS, on_sigsys, 0) && seccomp_load(filter.context) == 0;
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

} // namespace scuff::os
