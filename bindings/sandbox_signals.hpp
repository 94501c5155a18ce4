#pragma once
// The client's end of one sandbox's audio handshake: the shared control block.
#include <atomic>
#include <cstdint>

#include "scuff/os/shared_memory.hpp"
#include "scuff/shared_layout.hpp"

namespace scuff::native {

class SandboxSignals {
public:
    SandboxSignals();

    int fd() const { return memory_.fd(); }
    SandboxControlBlock& control() { return *control_; }

    // Cleared by the client when the process is gone: the engine then skips it and
    // its outputs are silence.
    std::atomic<bool> alive{true};
    // Engine-side bookkeeping, touched only under the engine's lock.
    uint64_t cycle = 0;
    bool late = false;
    // Signalled in the current cycle.
    bool ready = false;
    // Its outputs hold a whole block of the previous cycle, which routes may carry on.
    bool fresh_outputs = false;
    // Read by the client's watchdog while the engine runs.
    std::atomic<uint32_t> consecutive_missed{0};
    std::atomic<bool> is_late{false};
    // Set by the client when a restarted process took over: the engine then forgets
    // that the old one was late.
    std::atomic<bool> revived{false};
    uint64_t missed_cycles = 0;

private:
    os::SharedMemory memory_;
    SandboxControlBlock* control_;
};

} // namespace scuff::native
