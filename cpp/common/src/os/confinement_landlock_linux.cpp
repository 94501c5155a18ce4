// Landlock, the best ABI the kernel offers: what the process may read and write beneath
// which folders, and where the kernel allows it, TCP, abstract Unix sockets and signals
// outside the sandbox. Landlock judges the file a path leads to, whichever path reaches
// it: a rule on a folder holds for the same folder bound elsewhere in the view.
#include "confinement_steps.hpp"

#include <cerrno>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <linux/landlock.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace scuff::os {

namespace {

// Newer than the headers of older distributions.
constexpr uint64_t kFsTruncate = 1ULL << 14;
constexpr uint64_t kFsIoctlDev = 1ULL << 15;
constexpr uint64_t kNetBindTcp = 1ULL << 0;
constexpr uint64_t kNetConnectTcp = 1ULL << 1;
constexpr uint64_t kScopeAbstractUnixSocket = 1ULL << 0;
constexpr uint64_t kScopeSignal = 1ULL << 1;

struct RulesetAttr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net;
    uint64_t scoped;
};

uint64_t fs_access_for_abi(int abi) {
    uint64_t access = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1;
    if (abi >= 2) {
        access |= LANDLOCK_ACCESS_FS_REFER;
    }
    if (abi >= 3) {
        access |= kFsTruncate;
    }
    if (abi >= 5) {
        access |= kFsIoctlDev;
    }
    return access;
}

constexpr uint64_t kReadAccess =
    LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_EXECUTE;
constexpr uint64_t kFileOnlyAccess =
    LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE | kFsTruncate |
    kFsIoctlDev;

bool add_path_rule(int ruleset, const std::string& path, uint64_t access, uint64_t handled) {
    int fd = open(path.c_str(), O_PATH | O_CLOEXEC);
    if (fd < 0) {
        // Default folders that this machine does not have.
        return true;
    }
    struct stat info {};
    if (fstat(fd, &info) == 0 && !S_ISDIR(info.st_mode)) {
        access &= kFileOnlyAccess;
    }
    landlock_path_beneath_attr rule{};
    rule.allowed_access = access & handled;
    rule.parent_fd = fd;
    bool ok = rule.allowed_access == 0 ||
              syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0) == 0;
    close(fd);
    return ok;
}

} // namespace

void restrict_with_landlock(const ConfinementRequest& request, std::vector<ConfinementItem>& items) {
    int abi = landlock_abi();
    if (abi <= 0) {
        std::string why = errno == EOPNOTSUPP ? "Landlock is disabled on this kernel (not in the lsm= boot list)"
                                              : "this kernel has no Landlock (Linux 5.13 or later)";
        items.push_back({"files", false, why});
        items.push_back({"signals (Landlock)", false, why});
        if (!request.network) {
            items.push_back({"network (TCP, Landlock)", false, why});
        }
        return;
    }
    RulesetAttr attr{fs_access_for_abi(abi), 0, 0};
    size_t size = sizeof(uint64_t);
    if (abi >= 4) {
        size = 2 * sizeof(uint64_t);
        if (!request.network) {
            attr.handled_access_net = kNetBindTcp | kNetConnectTcp;
        }
    }
    if (abi >= 6) {
        size = sizeof attr;
        attr.scoped = kScopeSignal | (request.network ? 0 : kScopeAbstractUnixSocket);
    }
    int ruleset = static_cast<int>(syscall(SYS_landlock_create_ruleset, &attr, size, 0));
    if (ruleset < 0) {
        items.push_back({"files", false, std::string("landlock_create_ruleset failed: ") + std::strerror(errno)});
        return;
    }
    bool ok = true;
    for (const auto& path : request.read_paths) {
        ok = add_path_rule(ruleset, path, kReadAccess, attr.handled_access_fs) && ok;
    }
    uint64_t write_access = attr.handled_access_fs & ~(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_MAKE_CHAR |
                                                       LANDLOCK_ACCESS_FS_MAKE_BLOCK);
    for (const auto& path : request.write_paths) {
        ok = add_path_rule(ruleset, path, write_access, attr.handled_access_fs) && ok;
    }
    if (!ok || syscall(SYS_landlock_restrict_self, ruleset, 0) != 0) {
        items.push_back({"files", false, std::string("Landlock rules failed: ") + std::strerror(errno)});
        close(ruleset);
        return;
    }
    close(ruleset);
    std::string version = "Landlock ABI " + std::to_string(abi);
    items.push_back({"files", true,
                     version + ": reads only beneath the allowed folders, writes only beneath the writable ones" +
                         (abi >= 3 ? "" : " (truncation is not controlled before ABI 3)")});
    items.push_back({"signals (Landlock)", abi >= 6,
                     abi >= 6 ? version + ": no signals to processes outside the sandbox"
                              : version + " cannot scope signals (needs ABI 6, Linux 6.12)"});
    if (!request.network) {
        items.push_back({"network (TCP, Landlock)", abi >= 4,
                         abi >= 4 ? version + ": no TCP bind or connect" +
                                        (abi >= 6 ? ", no abstract Unix sockets outside the sandbox" : "")
                                  : version + " has no network rules (needs ABI 4, Linux 6.7)"});
    }
}

} // namespace scuff::os
