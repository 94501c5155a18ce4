// Unix sockets found by path (the session bus, and through it the user's service manager,
// which starts programs; an SSH or GPG agent; PulseAudio) are beyond Landlock and seccomp:
// connecting needs no file access Landlock controls, and seccomp cannot read the address.
// A mount namespace hides them: the folders that hold them become empty, and only the
// paths the sandbox is allowed beneath them are bound back in. A network namespace of its
// own leaves the process no interface at all, and no abstract Unix socket of the host.
#include "confinement_namespaces.hpp"

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

namespace scuff::os {

namespace {

bool write_text(const char* path, const std::string& text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        return false;
    }
    bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    close(fd);
    return ok;
}

bool is_beneath(std::string_view path, std::string_view root) {
    return path.size() > root.size() && path.starts_with(root) && path[root.size()] == '/';
}

// mkdir -p, and an empty file at the end for a file.
bool make_mount_point(const std::string& path, bool directory) {
    for (size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
        if (mkdir(path.substr(0, slash).c_str(), 0755) != 0 && errno != EEXIST) {
            return false;
        }
    }
    if (directory) {
        return mkdir(path.c_str(), 0755) == 0 || errno == EEXIST;
    }
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        return false;
    }
    close(fd);
    return true;
}

struct KeptPath {
    std::string path;
    int fd;
    bool directory;
};

// Replaces `root` with an empty tmpfs, then binds back each kept path beneath it.
std::string hide_folder(const std::string& root, const ConfinementRequest& request) {
    std::vector<KeptPath> kept;
    auto keep = [&](const std::string& path) {
        if (!is_beneath(path, root)) {
            return;
        }
        int fd = open(path.c_str(), O_PATH | O_CLOEXEC);
        struct stat info {};
        if (fd >= 0 && fstat(fd, &info) == 0) {
            kept.push_back({path, fd, S_ISDIR(info.st_mode)});
        } else if (fd >= 0) {
            close(fd);
        }
    };
    for (const auto& path : request.read_paths) {
        keep(path);
    }
    for (const auto& path : request.write_paths) {
        keep(path);
    }
    // The X server's sockets: editors need them.
    keep("/tmp/.X11-unix");
    std::string error;
    if (mount("tmpfs", root.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=64k") != 0) {
        error = "cannot mount over " + root + ": " + std::strerror(errno);
    }
    for (const auto& path : kept) {
        std::string source = "/proc/self/fd/" + std::to_string(path.fd);
        if (error.empty() && (!make_mount_point(path.path, path.directory) ||
                              mount(source.c_str(), path.path.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0)) {
            error = "cannot keep " + path.path + ": " + std::strerror(errno);
        }
        close(path.fd);
    }
    return error;
}

bool is_directory(const std::string& path) {
    struct stat info {};
    return lstat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

} // namespace

void isolate_with_namespaces(const ConfinementRequest& request, std::vector<ConfinementItem>& items) {
    uid_t uid = geteuid();
    gid_t gid = getegid();
    int flags = CLONE_NEWUSER | CLONE_NEWNS | (request.network ? 0 : CLONE_NEWNET);
    if (unshare(flags) != 0) {
        std::string why = errno == EPERM || errno == ENOSPC || errno == EUSERS
                              ? std::string("this machine does not let users create user namespaces (") +
                                    std::strerror(errno) + ")"
                              : std::string("unshare failed: ") + std::strerror(errno);
        items.push_back({"hidden sockets (namespaces)", false, why});
        if (!request.network) {
            items.push_back({"network (namespace)", false, why});
        }
        return;
    }
    // The same user inside as outside, so files keep their owners.
    write_text("/proc/self/setgroups", "deny");
    bool mapped = write_text("/proc/self/uid_map", std::to_string(uid) + " " + std::to_string(uid) + " 1") &&
                  write_text("/proc/self/gid_map", std::to_string(gid) + " " + std::to_string(gid) + " 1");
    std::string error = mapped ? "" : std::string("cannot map the user into its namespace: ") + std::strerror(errno);
    if (error.empty() && mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
        error = std::string("cannot make the mounts private: ") + std::strerror(errno);
    }
    std::string hidden;
    const std::string roots[] = {"/tmp", "/var/tmp", "/dev/shm", "/run/user/" + std::to_string(uid), "/run/dbus"};
    for (const auto& root : roots) {
        if (error.empty() && is_directory(root)) {
            error = hide_folder(root, request);
            hidden += (hidden.empty() ? "" : ", ") + root;
        }
    }
    items.push_back({"hidden sockets (namespaces)", error.empty(),
                     error.empty() ? "user and mount namespaces: " + hidden +
                                         " are empty but for the allowed paths beneath them, so the Unix sockets "
                                         "of other programs there (session bus, agents) are out of reach"
                                   : error});
    if (!request.network) {
        items.push_back({"network (namespace)", true, "a network namespace of its own: no interface, not even "
                                                      "loopback, and no abstract Unix socket of the host"});
    }
}

} // namespace scuff::os
