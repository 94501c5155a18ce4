#include "jack_api.hpp"

#include <cstdlib>

#include "scuff/os/dynamic_library.hpp"

namespace scuff::native {

namespace {

constexpr const char* kLibrary = "libjack.so.0";
constexpr const char* kInstall =
    "install JACK's client library to play live (Debian: libjack-jackd2-0, which the jackd2 server "
    "brings, or PipeWire's JACK: pipewire-jack, then run under pw-jack)";

struct Loaded {
    JackApi api{};
    std::string error;  // empty when loaded
};

template <typename Function>
bool resolve(void* library, const char* name, Function& function, std::string& error) {
    function = reinterpret_cast<Function>(os::library_symbol(library, name));
    if (!function && error.empty()) {
        error = name;
    }
    return function != nullptr;
}

Loaded load() {
    Loaded loaded;
    std::string name = jack_library_name();
    std::string reason;
    // Never closed: JACK's threads run its code for as long as any client is open.
    void* library = os::open_library(name, reason);
    if (!library) {
        loaded.error = "cannot load " + name + " (" + reason + "): " + kInstall;
        return loaded;
    }
    JackApi& a = loaded.api;
    std::string missing;
    resolve(library, "jack_client_open", a.client_open, missing);
    resolve(library, "jack_client_close", a.client_close, missing);
    resolve(library, "jack_get_sample_rate", a.get_sample_rate, missing);
    resolve(library, "jack_get_buffer_size", a.get_buffer_size, missing);
    resolve(library, "jack_port_register", a.port_register, missing);
    resolve(library, "jack_set_process_callback", a.set_process_callback, missing);
    resolve(library, "jack_set_xrun_callback", a.set_xrun_callback, missing);
    resolve(library, "jack_set_buffer_size_callback", a.set_buffer_size_callback, missing);
    resolve(library, "jack_set_sample_rate_callback", a.set_sample_rate_callback, missing);
    resolve(library, "jack_on_shutdown", a.on_shutdown, missing);
    resolve(library, "jack_activate", a.activate, missing);
    resolve(library, "jack_deactivate", a.deactivate, missing);
    resolve(library, "jack_get_client_name", a.get_client_name, missing);
    resolve(library, "jack_is_realtime", a.is_realtime, missing);
    resolve(library, "jack_client_real_time_priority", a.client_real_time_priority, missing);
    resolve(library, "jack_port_name", a.port_name, missing);
    resolve(library, "jack_connect", a.connect, missing);
    resolve(library, "jack_disconnect", a.disconnect, missing);
    resolve(library, "jack_get_ports", a.get_ports, missing);
    resolve(library, "jack_free", a.free, missing);
    resolve(library, "jack_cpu_load", a.cpu_load, missing);
    resolve(library, "jack_frame_time", a.frame_time, missing);
    resolve(library, "jack_last_frame_time", a.last_frame_time, missing);
    resolve(library, "jack_port_get_buffer", a.port_get_buffer, missing);
    resolve(library, "jack_midi_get_event_count", a.midi_get_event_count, missing);
    resolve(library, "jack_midi_event_get", a.midi_event_get, missing);
    if (!missing.empty()) {
        loaded.error = name + " lacks " + missing + ", which scuff calls: " + kInstall;
    }
    return loaded;
}

} // namespace

std::string jack_library_name() {
    const char* hook = std::getenv("SCUFF_TEST_LIBJACK_SONAME");
    return hook && *hook ? hook : kLibrary;
}

const JackApi& jack_api() {
    static const Loaded loaded = load();  // thread-safe, once
    if (!loaded.error.empty()) {
        throw JackError(loaded.error);
    }
    return loaded.api;
}

} // namespace scuff::native
