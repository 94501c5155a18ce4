// The C library's file calls, as scuff-sbox exports them (refusal_reports.dynamic-list):
// each forwards to the next definition (the C library's, or a sanitizer's in front of it)
// and reports a refusal. Nothing here allocates or takes a lock, so the wrappers are as
// safe as the calls they stand for, in any thread and after fork.
// Defined here, so the C library's inline checking wrappers must not be.
#undef _FORTIFY_SOURCE
#include "scuff/os/refusal_reports.hpp"

#include "confinement_report.hpp"

#include <atomic>
#include <cerrno>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string_view>
#include <type_traits>

#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace scuff::os {

namespace {

std::atomic<bool> reporting{false};

// Each operation and path is reported once: a table of their hashes, open addressing.
constexpr size_t kSeen = 1024;
std::atomic<uint64_t> seen[kSeen];

// At most kBurst reports at once, then kPerSecond a second.
constexpr int64_t kBurst = 32;
constexpr int64_t kPerSecond = 8;
std::atomic<int64_t> tokens{kBurst};
std::atomic<int64_t> last_refill{0};
std::atomic<uint64_t> dropped{0};

uint64_t hash(std::string_view op, std::string_view path) {
    uint64_t h = 1469598103934665603ULL;
    for (std::string_view part : {op, std::string_view("\0", 1), path}) {
        for (char c : part) {
            h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
        }
    }
    return h == 0 ? 1 : h;
}

// True the first time, false again; true once the table is full (the rate still holds).
bool first_time(uint64_t h) {
    for (size_t probe = 0; probe < kSeen; ++probe) {
        auto& slot = seen[(h + probe) % kSeen];
        uint64_t current = slot.load(std::memory_order_relaxed);
        if (current == h) {
            return false;
        }
        if (current == 0 && slot.compare_exchange_strong(current, h, std::memory_order_relaxed)) {
            return true;
        }
        if (current == h) {
            return false;
        }
    }
    return true;
}

bool take_token() {
    timespec now {};
    clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
    int64_t second = now.tv_sec;
    int64_t last = last_refill.load(std::memory_order_relaxed);
    if (second > last && last_refill.compare_exchange_strong(last, second, std::memory_order_relaxed)) {
        int64_t refill = last == 0 ? kBurst : (second - last) * kPerSecond;
        int64_t have = tokens.load(std::memory_order_relaxed);
        while (!tokens.compare_exchange_weak(have, have + refill > kBurst ? kBurst : have + refill,
                                             std::memory_order_relaxed)) {
        }
    }
    return tokens.fetch_sub(1, std::memory_order_relaxed) > 0;
}

bool is_refusal(int error) { return error == EACCES || error == EPERM || error == EROFS || error == ENOENT; }

// A name in the abstract namespace, as "@name", with no path to make absolute.
constexpr int kAbstract = -2;

// `path` as an absolute path when it can be made one cheaply (relative to a folder
// descriptor or the working folder); empty when it cannot.
std::string_view absolute(int dirfd, const char* path, char (&buffer)[PATH_MAX]) {
    if (path == nullptr || path[0] == '\0') {
        return {};
    }
    if (path[0] == '/' || dirfd == kAbstract) {
        return path;
    }
    ssize_t size;
    if (dirfd == AT_FDCWD) {
        size = getcwd(buffer, sizeof buffer) != nullptr ? static_cast<ssize_t>(std::strlen(buffer)) : -1;
    } else {
        char link[32];
        std::snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
        size = readlink(link, buffer, sizeof buffer - 1);
    }
    size_t length = std::strlen(path);
    if (size <= 0 || static_cast<size_t>(size) + 1 + length >= sizeof buffer) {
        return {};
    }
    size_t at = static_cast<size_t>(size);
    if (buffer[at - 1] != '/') {
        buffer[at++] = '/';
    }
    std::memcpy(buffer + at, path, length + 1);
    return {buffer, at + length};
}

// Called with the errno of a failed call; leaves errno as it was.
void refused(const char* op, int error, int dirfd, const char* path) {
    // Another network namespace holds no abstract socket of the host's: the name is not there.
    bool refusal = is_refusal(error) || (dirfd == kAbstract && error == ECONNREFUSED);
    if (!reporting.load(std::memory_order_relaxed) || !refusal) {
        return;
    }
    char buffer[PATH_MAX];
    std::string_view where = absolute(dirfd, path, buffer);
    if (where.empty() || !first_time(hash(op, where))) {
        errno = error;
        return;
    }
    if (!take_token()) {
        dropped.fetch_add(1, std::memory_order_relaxed);
        errno = error;
        return;
    }
    if (uint64_t count = dropped.exchange(0, std::memory_order_relaxed); count != 0) {
        ReportLine().add("refused-file-dropped ").add(count).send();
    }
    ReportLine().add("refused-file ").add(op).add(" ").add(static_cast<uint64_t>(error)).add(" ").add_path(where).send();
    errno = error;
}

const char* open_operation(int flags) {
    if (flags & O_CREAT) {
        return "create";
    }
    return (flags & O_ACCMODE) == O_RDONLY ? "read" : "write";
}

const char* fopen_operation(const char* mode) {
    if (mode == nullptr || mode[0] == 'r') {
        return mode != nullptr && std::strchr(mode, '+') != nullptr ? "write" : "read";
    }
    return "create";
}

bool takes_mode(int flags) { return (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE; }

// The next definition of `name` after this executable's: the C library's.
template <class Function>
Function next_definition(std::atomic<Function>& cache, const char* name) {
    Function function = cache.load(std::memory_order_acquire);
    if (function == nullptr) {
        function = reinterpret_cast<Function>(dlsym(RTLD_NEXT, name));
        cache.store(function, std::memory_order_release);
    }
    return function;
}

// Declares `real`, the next definition; a call whose next definition is missing fails.
#define SCUFF_NEXT(name, failure, ...)                    \
    static std::atomic<__VA_ARGS__> name##_next{nullptr}; \
    std::type_identity_t<__VA_ARGS__> real = scuff::os::next_definition(name##_next, #name); \
    if (real == nullptr) {                            \
        errno = ENOSYS;                               \
        return failure;                               \
    }

int report_int(int result, const char* op, int dirfd, const char* path) {
    if (result < 0) {
        refused(op, errno, dirfd, path);
    }
    return result;
}

} // namespace

void start_refusal_reports() { reporting.store(true, std::memory_order_relaxed); }

} // namespace scuff::os

using scuff::os::fopen_operation;
using scuff::os::open_operation;
using scuff::os::refused;
using scuff::os::report_int;
using scuff::os::takes_mode;

extern "C" {

// The realtime probe's counter of calls a plugin's process call makes (realtime_probe_linux.cpp),
// where scuff-sbox has one; weak, so that scuff-scan links without it.
void scuff_note_realtime_call(const char* name) __attribute__((weak));

// --- opening ---

#define SCUFF_OPEN(name)                                                           \
    int name(const char* path, int flags, ...) {                                   \
        mode_t mode = 0;                                                           \
        if (takes_mode(flags)) {                                                   \
            va_list arguments;                                                     \
            va_start(arguments, flags);                                            \
            mode = static_cast<mode_t>(va_arg(arguments, int));                    \
            va_end(arguments);                                                     \
        }                                                                          \
        if (scuff_note_realtime_call != nullptr) scuff_note_realtime_call("open");     \
        SCUFF_NEXT(name, -1, int (*)(const char*, int, ...))                           \
        return report_int(real(path, flags, mode), open_operation(flags), AT_FDCWD, path); \
    }
SCUFF_OPEN(open)
SCUFF_OPEN(open64)

#define SCUFF_OPENAT(name)                                                         \
    int name(int dirfd, const char* path, int flags, ...) {                        \
        mode_t mode = 0;                                                           \
        if (takes_mode(flags)) {                                                   \
            va_list arguments;                                                     \
            va_start(arguments, flags);                                            \
            mode = static_cast<mode_t>(va_arg(arguments, int));                    \
            va_end(arguments);                                                     \
        }                                                                          \
        SCUFF_NEXT(name, -1, int (*)(int, const char*, int, ...))                      \
        return report_int(real(dirfd, path, flags, mode), open_operation(flags), dirfd, path); \
    }
SCUFF_OPENAT(openat)
SCUFF_OPENAT(openat64)

// What _FORTIFY_SOURCE makes of open and openat without a mode.
#define SCUFF_OPEN_2(name)                                                         \
    int name(const char* path, int flags) {                                        \
        SCUFF_NEXT(name, -1, int (*)(const char*, int))                                \
        return report_int(real(path, flags), open_operation(flags), AT_FDCWD, path); \
    }
SCUFF_OPEN_2(__open_2)
SCUFF_OPEN_2(__open64_2)

#define SCUFF_OPENAT_2(name)                                                       \
    int name(int dirfd, const char* path, int flags) {                             \
        SCUFF_NEXT(name, -1, int (*)(int, const char*, int))                           \
        return report_int(real(dirfd, path, flags), open_operation(flags), dirfd, path); \
    }
SCUFF_OPENAT_2(__openat_2)
SCUFF_OPENAT_2(__openat64_2)

#define SCUFF_CREAT(name)                                                          \
    int name(const char* path, mode_t mode) {                                      \
        SCUFF_NEXT(name, -1, int (*)(const char*, mode_t))                             \
        return report_int(real(path, mode), "create", AT_FDCWD, path);             \
    }
SCUFF_CREAT(creat)
SCUFF_CREAT(creat64)

#define SCUFF_FOPEN(name)                                                          \
    FILE* name(const char* path, const char* mode) {                               \
        if (scuff_note_realtime_call != nullptr) scuff_note_realtime_call("fopen");    \
        SCUFF_NEXT(name, nullptr, FILE* (*)(const char*, const char*))                      \
        FILE* file = real(path, mode);                                             \
        if (file == nullptr) {                                                     \
            refused(fopen_operation(mode), errno, AT_FDCWD, path);                 \
        }                                                                          \
        return file;                                                               \
    }
SCUFF_FOPEN(fopen)
SCUFF_FOPEN(fopen64)

DIR* opendir(const char* path) {
    SCUFF_NEXT(opendir, nullptr, DIR* (*)(const char*))
    DIR* folder = real(path);
    if (folder == nullptr) {
        refused("list", errno, AT_FDCWD, path);
    }
    return folder;
}

// --- making and removing ---

int mkdir(const char* path, mode_t mode) {
    SCUFF_NEXT(mkdir, -1, int (*)(const char*, mode_t))
    return report_int(real(path, mode), "mkdir", AT_FDCWD, path);
}

int mkdirat(int dirfd, const char* path, mode_t mode) {
    SCUFF_NEXT(mkdirat, -1, int (*)(int, const char*, mode_t))
    return report_int(real(dirfd, path, mode), "mkdir", dirfd, path);
}

int unlink(const char* path) {
    SCUFF_NEXT(unlink, -1, int (*)(const char*))
    return report_int(real(path), "unlink", AT_FDCWD, path);
}

int unlinkat(int dirfd, const char* path, int flags) {
    SCUFF_NEXT(unlinkat, -1, int (*)(int, const char*, int))
    return report_int(real(dirfd, path, flags), (flags & AT_REMOVEDIR) ? "rmdir" : "unlink", dirfd, path);
}

int rmdir(const char* path) {
    SCUFF_NEXT(rmdir, -1, int (*)(const char*))
    return report_int(real(path), "rmdir", AT_FDCWD, path);
}

int rename(const char* from, const char* to) {
    SCUFF_NEXT(rename, -1, int (*)(const char*, const char*))
    return report_int(real(from, to), "rename", AT_FDCWD, to);
}

int renameat(int from_dir, const char* from, int to_dir, const char* to) {
    SCUFF_NEXT(renameat, -1, int (*)(int, const char*, int, const char*))
    return report_int(real(from_dir, from, to_dir, to), "rename", to_dir, to);
}

int renameat2(int from_dir, const char* from, int to_dir, const char* to, unsigned int flags) {
    SCUFF_NEXT(renameat2, -1, int (*)(int, const char*, int, const char*, unsigned int))
    return report_int(real(from_dir, from, to_dir, to, flags), "rename", to_dir, to);
}

int link(const char* from, const char* to) {
    SCUFF_NEXT(link, -1, int (*)(const char*, const char*))
    return report_int(real(from, to), "link", AT_FDCWD, to);
}

int linkat(int from_dir, const char* from, int to_dir, const char* to, int flags) {
    SCUFF_NEXT(linkat, -1, int (*)(int, const char*, int, const char*, int))
    return report_int(real(from_dir, from, to_dir, to, flags), "link", to_dir, to);
}

int symlink(const char* target, const char* path) {
    SCUFF_NEXT(symlink, -1, int (*)(const char*, const char*))
    return report_int(real(target, path), "symlink", AT_FDCWD, path);
}

int symlinkat(const char* target, int dirfd, const char* path) {
    SCUFF_NEXT(symlinkat, -1, int (*)(const char*, int, const char*))
    return report_int(real(target, dirfd, path), "symlink", dirfd, path);
}

int truncate(const char* path, off_t length) {
    SCUFF_NEXT(truncate, -1, int (*)(const char*, off_t))
    return report_int(real(path, length), "truncate", AT_FDCWD, path);
}

int truncate64(const char* path, off64_t length) {
    SCUFF_NEXT(truncate64, -1, int (*)(const char*, off64_t))
    return report_int(real(path, length), "truncate", AT_FDCWD, path);
}

// --- Unix sockets by path or name ---

#define SCUFF_SOCKET_CALL(name, op)                                                             \
    int name(int socket, const struct sockaddr* address, socklen_t size) {                      \
        SCUFF_NEXT(name, -1, int (*)(int, const struct sockaddr*, socklen_t))                       \
        int result = real(socket, address, size);                                               \
        if (result < 0 && address != nullptr && address->sa_family == AF_UNIX &&                \
            size > offsetof(sockaddr_un, sun_path)) {                                           \
            int error = errno;                                                                  \
            const auto* unix_address = reinterpret_cast<const sockaddr_un*>(address);           \
            size_t length = size - offsetof(sockaddr_un, sun_path);                             \
            char path[sizeof unix_address->sun_path + 1] = {};                                  \
            std::memcpy(path, unix_address->sun_path, length < sizeof path - 1 ? length : sizeof path - 1); \
            if (path[0] == '\0') {                                                              \
                path[0] = '@';                                                                  \
                refused(op, error, scuff::os::kAbstract, path);                                 \
            } else {                                                                            \
                refused(op, error, AT_FDCWD, path);                                             \
            }                                                                                   \
            errno = error;                                                                      \
        }                                                                                       \
        return result;                                                                          \
    }
SCUFF_SOCKET_CALL(connect, "connect")
SCUFF_SOCKET_CALL(bind, "bind")

} // extern "C"
