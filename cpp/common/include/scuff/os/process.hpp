#pragma once
// Process-level facts and rules a sandbox or scanner needs from the OS.
#include <functional>

namespace scuff::os {

// Arranges for the calling process to be killed as soon as its parent dies, so no
// sandbox outlives the client. Returns false if the parent is already gone.
bool die_with_parent();

// The calling thread's id, for thread-rule checks.
long current_thread_id();

// Names the calling thread for debuggers and process listings (at most 15 characters).
void set_current_thread_name(const char* name);

// Writing to a socket or pipe whose reader is gone then fails with an error instead of
// killing the process.
void ignore_broken_pipes();

// Runs `work` in a forked copy of the calling process, which exits when `work` returns.
// Returns the child's id; throws std::runtime_error when no child can be made.
int run_in_child_process(const std::function<void()>& work);

// Waits until the child `child` has exited.
void wait_for_child(int child);

} // namespace scuff::os
