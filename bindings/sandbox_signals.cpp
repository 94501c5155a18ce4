#include "sandbox_signals.hpp"

#include <new>

namespace scuff::native {

SandboxSignals::SandboxSignals()
    : memory_(os::SharedMemory::create("scuff-signals", sizeof(SandboxControlBlock))),
      control_(new (memory_.data()) SandboxControlBlock()) {}

} // namespace scuff::native
