#include "scuff/os/process.hpp"

#include <csignal>
#include <stdexcept>

#include <pthread.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
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

void set_current_thread_name(const char* name) { pthread_setname_np(pthread_self(), name); }

void ignore_broken_pipes() { std::signal(SIGPIPE, SIG_IGN); }

int run_in_child_process(const std::function<void()>& work) {
    pid_t child = fork();
    if (child < 0) {
        throw std::runtime_error("fork failed");
    }
    if (child == 0) {
        work();
        _exit(0);
    }
    return child;
}

void wait_for_child(int child) {
    int status;
    waitpid(child, &status, 0);
}

} // namespace scuff::os
