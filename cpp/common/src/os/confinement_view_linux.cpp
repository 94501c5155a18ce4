// A confined process sees a root of its own, built in memory: the folders and files the
// client named (the system's libraries and data, fonts and icons, the plugin folders, the
// allowed and writable paths, the private temporary folder), the X server's socket, and at
// the home folder the settings home of the plugin's vendor. Nothing else of the machine is
// there: no other program's sockets (Landlock cannot refuse a connection to a path socket,
// and seccomp cannot read the address), no other user's files, none of the user's own
// files in the home folder but those named. Everything is opened before the new root
// covers anything, then bound into it through its descriptor; mount points are made
// without following a symbolic link, since the settings home is the plugin's to fill.
#include "confinement_view.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace scuff::os {

namespace {

// What an entry of the view shows, in the order in which one place named twice takes the first;
// `sealed` is a place of the settings home itself, shown read-only.
enum class Show { home, scratch_home, writable, socket, read_only, link, sealed };

struct Entry {
    std::string target;  // where it appears in the view
    Show show;
    int source = -1;     // O_PATH descriptor of what it shows (none for a link or a scratch home)
    bool directory = false;
    bool at_own_path = true;  // shown where it is: its contents are those of its real path
    std::string link;    // a symbolic link's text
};

// Only directories and empty files, at most a few hundred.
constexpr const char* kRootOptions = "mode=0755,size=1m,nr_inodes=8192";
constexpr const char* kScratchHomeOptions = "mode=0700,size=64m";
// Empty, for the programs that expect them; nothing is written to them.
constexpr const char* kEmptyFolders[] = {"/tmp", "/var/tmp", "/dev/shm", "/run"};
// Where X clients find a local display's socket; a nested server's folder is shown there.
constexpr const char* kX11SocketFolder = "/tmp/.X11-unix";

size_t depth(std::string_view path) { return static_cast<size_t>(std::count(path.begin(), path.end(), '/')); }

bool is_within(std::string_view path, std::string_view root) {
    if (root == "/") {
        return true;
    }
    return path == root || (path.size() > root.size() && path.starts_with(root) && path[root.size()] == '/');
}

std::string fd_path(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

// What `path` names, opened now (a default folder this machine lacks is left out). A
// symbolic link is shown as a link, and what it leads to at its own path.
void collect(std::vector<Entry>& entries, const std::string& path, Show show) {
    struct stat own {};
    if (path.empty() || path[0] != '/' || lstat(path.c_str(), &own) != 0) {
        return;
    }
    if (S_ISLNK(own.st_mode)) {
        char text[PATH_MAX];
        ssize_t size = readlink(path.c_str(), text, sizeof text);
        if (size > 0 && static_cast<size_t>(size) < sizeof text) {
            entries.push_back({path, Show::link, -1, false, true, std::string(text, static_cast<size_t>(size))});
        }
    }
    char resolved[PATH_MAX];
    if (realpath(path.c_str(), resolved) == nullptr) {
        return;
    }
    int fd = open(resolved, O_PATH | O_CLOEXEC);
    struct stat info {};
    if (fd < 0 || fstat(fd, &info) != 0) {
        if (fd >= 0) {
            close(fd);
        }
        return;
    }
    std::string target = S_ISLNK(own.st_mode) ? std::string(resolved) : path;
    entries.push_back({target, show, fd, S_ISDIR(info.st_mode), target == resolved, {}});
}

// The descriptor of `path` in the tree under `root`, made with its missing folders (and as
// an empty file when it is not a directory), never following a symbolic link; -1 and errno.
int make_mount_point(int root, std::string_view path, bool directory) {
    int folder = openat(root, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    size_t start = 1;
    while (folder >= 0 && start < path.size()) {
        size_t slash = path.find('/', start);
        bool last = slash == std::string_view::npos;
        std::string name(path.substr(start, last ? std::string_view::npos : slash - start));
        start = last ? path.size() : slash + 1;
        if (name.empty()) {
            continue;
        }
        int next;
        if (!last || directory) {
            if (mkdirat(folder, name.c_str(), 0755) != 0 && errno != EEXIST) {
                next = -1;
            } else {
                next = openat(folder, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            }
        } else {
            if (mknodat(folder, name.c_str(), S_IFREG | 0644, 0) != 0 && errno != EEXIST) {
                next = -1;
            } else {
                next = openat(folder, name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC);
                struct stat info {};
                if (next >= 0 && (fstat(next, &info) != 0 || S_ISDIR(info.st_mode) || S_ISLNK(info.st_mode))) {
                    close(next);
                    next = -1;
                    errno = ENOTDIR;
                }
            }
        }
        int saved = errno;
        close(folder);
        errno = saved;
        folder = next;
    }
    return folder;
}

unsigned long locked_flags(int fd) {
    struct statvfs info {};
    if (fstatvfs(fd, &info) != 0) {
        return 0;
    }
    unsigned long flags = 0;
    flags |= (info.f_flag & ST_NOSUID) ? MS_NOSUID : 0;
    flags |= (info.f_flag & ST_NODEV) ? MS_NODEV : 0;
    flags |= (info.f_flag & ST_NOEXEC) ? MS_NOEXEC : 0;
    return flags;
}

// Shows one entry in the tree under `root`; false with the reason in `why`.
bool show_entry(int root, const Entry& entry, std::string& why) {
    if (entry.show == Show::link) {
        size_t slash = entry.target.rfind('/');
        int folder = make_mount_point(root, slash == 0 ? "/" : std::string_view(entry.target).substr(0, slash), true);
        bool ok = folder >= 0 && symlinkat(entry.link.c_str(), folder, entry.target.c_str() + slash + 1) == 0;
        why = ok ? "" : std::strerror(errno);
        if (folder >= 0) {
            close(folder);
        }
        return ok;
    }
    bool directory = entry.directory || entry.show == Show::scratch_home;
    int target = make_mount_point(root, entry.target, directory);
    if (target < 0) {
        why = std::string("no place for it: ") + std::strerror(errno);
        return false;
    }
    int source = entry.show == Show::sealed ? target : entry.source;
    int result = entry.show == Show::scratch_home
                     ? mount("tmpfs", fd_path(target).c_str(), "tmpfs", MS_NOSUID | MS_NODEV, kScratchHomeOptions)
                     : mount(fd_path(source).c_str(), fd_path(target).c_str(), nullptr, MS_BIND | MS_REC, nullptr);
    why = result == 0 ? "" : std::strerror(errno);
    close(target);
    if (result != 0 || (entry.show != Show::read_only && entry.show != Show::sealed)) {
        return result == 0;
    }
    // The bind is read-only, whatever Landlock would allow beneath a writable folder above it.
    int mounted = make_mount_point(root, entry.target, directory);
    result = mounted < 0 ? -1
                         : mount(nullptr, fd_path(mounted).c_str(), nullptr,
                                 MS_REMOUNT | MS_BIND | MS_RDONLY | locked_flags(mounted), nullptr);
    why = result == 0 ? "" : std::string("cannot make it read-only: ") + std::strerror(errno);
    if (mounted >= 0) {
        close(mounted);
    }
    return result == 0;
}

// Whether an entry shown already makes `entry` visible as it should be.
bool already_shown(const Entry& entry, const std::vector<const Entry*>& shown) {
    for (auto it = shown.rbegin(); it != shown.rend(); ++it) {
        const Entry& above = **it;
        if (!is_within(entry.target, above.target)) {
            continue;
        }
        if (above.target == entry.target) {
            return true;
        }
        // Within a folder bound where it is, at its own path: the real contents are there.
        bool through = above.at_own_path && (above.show == Show::read_only || above.show == Show::writable);
        return through && entry.at_own_path &&
               (entry.show != Show::writable || above.show == Show::writable);
    }
    return false;
}

bool rank_before(const Entry& a, const Entry& b) {
    if (depth(a.target) != depth(b.target)) {
        return depth(a.target) < depth(b.target);
    }
    if (a.target != b.target) {
        return a.target < b.target;
    }
    return a.show < b.show;
}

} // namespace

ViewOutcome enter_view(const ConfinementRequest& request) {
    ViewOutcome outcome;
    std::vector<Entry> entries;
    bool home = !request.home.empty() && request.home[0] == '/' && request.home != "/";
    if (home) {
        if (request.home_source.empty()) {
            entries.push_back({request.home, Show::scratch_home, -1, true, false, {}});
        } else {
            int fd = open(request.home_source.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
            if (fd >= 0) {
                entries.push_back({request.home, Show::home, fd, true, false, {}});
            } else {
                outcome.home_error = "cannot open " + request.home_source + ": " + std::strerror(errno);
            }
        }
    }
    for (const auto& path : request.read_paths) {
        collect(entries, path, Show::read_only);
    }
    for (const auto& path : request.write_paths) {
        collect(entries, path, Show::writable);
    }
    for (const auto& path : request.socket_paths) {
        collect(entries, path, Show::socket);
    }
    if (!request.x11_socket_folder.empty()) {
        int fd = open(request.x11_socket_folder.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0) {
            entries.push_back({kX11SocketFolder, Show::socket, fd, true, false, {}});
        } else {
            outcome.unshown.push_back(std::string(kX11SocketFolder) + " (cannot open " + request.x11_socket_folder +
                                      ": " + std::strerror(errno) + ")");
        }
    }
    for (const auto& place : home ? request.home_read_only : std::vector<std::string>{}) {
        bool folder = place.ends_with('/');
        std::string target = request.home + "/" + place.substr(0, folder ? place.size() - 1 : place.size());
        entries.push_back({target, Show::sealed, -1, folder, false, {}});
    }
    std::stable_sort(entries.begin(), entries.end(), rank_before);

    int root = -1;
    if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, kRootOptions) != 0 ||
        (root = open("/tmp", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
        outcome.error = std::string("cannot make a root in memory: ") + std::strerror(errno);
    }
    for (const char* folder : kEmptyFolders) {
        int fd = root >= 0 ? make_mount_point(root, folder, true) : -1;
        if (fd >= 0) {
            close(fd);
        }
    }
    std::vector<const Entry*> shown;
    for (const auto& entry : entries) {
        bool homeless = entry.show == Show::sealed && !outcome.home_shown;
        if (!outcome.error.empty() || homeless || already_shown(entry, shown)) {
            continue;
        }
        std::string why;
        if (show_entry(root, entry, why)) {
            shown.push_back(&entry);
            outcome.home_shown = outcome.home_shown || entry.show == Show::home || entry.show == Show::scratch_home;
        } else if (entry.show == Show::home || entry.show == Show::scratch_home) {
            outcome.home_error = "cannot show it at " + entry.target + ": " + why;
        } else {
            outcome.unshown.push_back(entry.target + " (" + why + ")");
        }
    }
    for (const auto& entry : entries) {
        if (entry.source >= 0) {
            close(entry.source);
        }
    }
    bool entered = outcome.error.empty() && fchdir(root) == 0 && syscall(SYS_pivot_root, ".", ".") == 0;
    if (outcome.error.empty() && !entered) {
        outcome.error = std::string("cannot enter the new root: ") + std::strerror(errno);
        // Back to the whole file system, as it was: Landlock alone confines the process.
        umount2("/tmp", MNT_DETACH);
        [[maybe_unused]] int back = chdir("/");
    }
    if (root >= 0) {
        close(root);
    }
    if (entered && (umount2(".", MNT_DETACH) != 0 || chdir("/") != 0)) {
        outcome.error = std::string("cannot leave the old root: ") + std::strerror(errno);
    }
    if (outcome.error.empty() &&
        mount(nullptr, "/", nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, nullptr) != 0) {
        outcome.error = std::string("cannot make the new root read-only: ") + std::strerror(errno);
    }
    if (!outcome.error.empty()) {
        outcome.home_shown = false;
    }
    return outcome;
}

} // namespace scuff::os
