#pragma once
// Process-level facts and rules a sandbox or scanner needs from the OS.

namespace scuff::os {

// Arranges for the calling process to be killed as soon as its parent dies, so no
// sandbox outlives the client. Returns false if the parent is already gone.
bool die_with_parent();

// The calling thread's id, for thread-rule checks.
long current_thread_id();

} // namespace scuff::os
