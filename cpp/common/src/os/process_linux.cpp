#include "scuff/os/process.hpp"

#include <csignal>

#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace scuff::os {

bool die_with_parent() {
    pid_t parent = getppid();
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) {
        return false;
    }
    // The parent may have died before prctl: then we were re-parented already.
    return getppid() == parent && parent != 1;
}

long current_thread_id() { return syscall(SYS_gettid); }

} // namespace scuff::os
