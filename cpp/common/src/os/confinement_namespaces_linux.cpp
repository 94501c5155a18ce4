// Unix sockets found by path (the session bus, and through it the user's service manager,
// which starts programs; an SSH or GPG agent; PulseAudio; a container engine's socket) are
// beyond Landlock and seccomp: connecting needs no file access Landlock controls, and
// seccomp cannot read the address. A mount namespace puts them out of reach: the process
// gets a root of its own that holds only what it may use (confinement_view_linux.cpp). A
// network namespace of its own leaves it no interface at all, and no abstract Unix socket
// of the host.
#include "confinement_namespaces.hpp"

#include "confinement_view.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

namespace scuff::os {

namespace {

constexpr const char* kView = "file-system view (namespaces)";
constexpr const char* kHome = "settings home (namespaces)";
constexpr size_t kUnshownReported = 4;

bool write_text(const char* path, const std::string& text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        return false;
    }
    bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    close(fd);
    return ok;
}

std::string describe_view(const ViewOutcome& outcome) {
    std::string how = "user and mount namespaces: a root of its own holding only the system's libraries and data, "
                      "fonts and icons, the plugin folders, the allowed and writable paths, its temporary folder, "
                      "its home and the X server's socket; no other program's sockets or files";
    if (!outcome.unshown.empty()) {
        how += "; not shown:";
        for (size_t i = 0; i < outcome.unshown.size() && i < kUnshownReported; ++i) {
            how += (i == 0 ? " " : ", ") + outcome.unshown[i];
        }
        if (outcome.unshown.size() > kUnshownReported) {
            how += " and " + std::to_string(outcome.unshown.size() - kUnshownReported) + " more";
        }
    }
    return how;
}

void report_home(const ConfinementRequest& request, const ViewOutcome& outcome, std::vector<ConfinementItem>& items) {
    if (request.home.empty()) {
        return;
    }
    if (!outcome.home_shown) {
        std::string why = !outcome.error.empty()       ? "no view of its own: " + outcome.error
                          : !outcome.home_error.empty() ? outcome.home_error
                                                        : "the home folder " + request.home + " cannot be replaced";
        items.push_back({kHome, false, why + "; the home folder is out of reach and settings cannot be saved"});
    } else if (request.home_source.empty()) {
        items.push_back({kHome, true, request.home + " is a scratch folder in memory, gone with the process: the "
                                      "user's own files there are out of reach"});
    } else {
        items.push_back({kHome, true, request.home + " shows " + request.home_source +
                                          ": what the plugin writes there is kept, the user's own files are out of "
                                          "reach"});
    }
}

} // namespace

bool isolate_with_namespaces(const ConfinementRequest& request, std::vector<ConfinementItem>& items) {
    uid_t uid = geteuid();
    gid_t gid = getegid();
    int flags = CLONE_NEWUSER | CLONE_NEWNS | (request.network ? 0 : CLONE_NEWNET);
    // Lets the tests see how the sandbox falls back on a machine without user namespaces.
    const char* allowed = std::getenv("SCUFF_USER_NAMESPACES");
    bool refused = allowed != nullptr && std::string_view(allowed) == "0";
    if (refused) {
        errno = EPERM;
    }
    if (refused || unshare(flags) != 0) {
        std::string why = errno == EPERM || errno == ENOSPC || errno == EUSERS
                              ? std::string("this machine does not let users create user namespaces (") +
                                    std::strerror(errno) + ")"
                              : std::string("unshare failed: ") + std::strerror(errno);
        items.push_back({kView, false, why});
        if (!request.home.empty()) {
            items.push_back({kHome, false, why + "; the home folder is out of reach and settings cannot be saved"});
        }
        if (!request.network) {
            items.push_back({"network (namespace)", false, why});
        }
        return false;
    }
    // The same user inside as outside, so files keep their owners.
    write_text("/proc/self/setgroups", "deny");
    bool mapped = write_text("/proc/self/uid_map", std::to_string(uid) + " " + std::to_string(uid) + " 1") &&
                  write_text("/proc/self/gid_map", std::to_string(gid) + " " + std::to_string(gid) + " 1");
    ViewOutcome outcome;
    if (!mapped) {
        outcome.error = std::string("cannot map the user into its namespace: ") + std::strerror(errno);
    } else if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
        outcome.error = std::string("cannot make the mounts private: ") + std::strerror(errno);
    } else {
        outcome = enter_view(request);
    }
    items.push_back({kView, outcome.error.empty(), outcome.error.empty() ? describe_view(outcome) : outcome.error});
    report_home(request, outcome, items);
    if (!request.network) {
        items.push_back({"network (namespace)", true, "a network namespace of its own: no interface, not even "
                                                      "loopback, and no abstract Unix socket of the host"});
    }
    return outcome.home_shown;
}

} // namespace scuff::os
