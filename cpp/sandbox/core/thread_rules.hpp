#pragma once
// Host functions that belong to the main thread, called by a plugin from another thread:
// told to the client (a PluginMisbehaving log line) once per device and function.
#include <cstdint>

#include "core/host_services.hpp"

namespace scuff::sbox {

// Whether the caller is on the main thread; if not, reports `call` (a name such as
// "clap.params.rescan") for `device`. Safe from any thread.
bool on_main_thread_or_report(HostServices& services, uint32_t device, const char* call);

// Whether the caller is off the audio thread; if not, reports `call`, which must not be made
// from the audio thread. Safe from any thread.
bool off_audio_thread_or_report(HostServices& services, uint32_t device, const char* call);

} // namespace scuff::sbox
