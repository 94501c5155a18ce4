#pragma once
// The part of libjack's client API the JACK host uses, declared here (types, flags and
// function signatures as JACK documents them) so that the module builds without JACK's
// headers and never links libjack: jack_api() loads the system's libjack.so.0 (JACK2's,
// or PipeWire's under pw-jack) at run time, the first time live playing is asked for.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

typedef struct _jack_client jack_client_t;
typedef struct _jack_port jack_port_t;
typedef uint32_t jack_nframes_t;

namespace scuff::native {

namespace jack {

// jack_options_t
constexpr int kNoStartServer = 0x01;
constexpr int kServerName = 0x04;
// jack_status_t
constexpr int kServerFailed = 0x10;
// JackPortFlags
constexpr unsigned long kPortIsInput = 0x1;
constexpr unsigned long kPortIsOutput = 0x2;
constexpr unsigned long kPortIsPhysical = 0x4;
// JACK_DEFAULT_AUDIO_TYPE, JACK_DEFAULT_MIDI_TYPE
constexpr const char* kAudioType = "32 bit float mono audio";
constexpr const char* kMidiType = "8 bit raw midi";

struct MidiEvent {  // jack_midi_event_t
    jack_nframes_t time;
    size_t size;
    unsigned char* buffer;
};

using ProcessCallback = int (*)(jack_nframes_t frames, void* arg);
using XrunCallback = int (*)(void* arg);
using FramesCallback = int (*)(jack_nframes_t value, void* arg);  // buffer size, sample rate
using ShutdownCallback = void (*)(void* arg);

} // namespace jack

class JackError : public std::runtime_error {
    using std::runtime_error::runtime_error;
};

// libjack's functions, resolved all at once when it is loaded: the process callback calls
// through these pointers and never looks a symbol up.
struct JackApi {
    // jack_client_open is variadic: the server name follows when kServerName is set.
    jack_client_t* (*client_open)(const char* name, int options, int* status, ...);
    int (*client_close)(jack_client_t*);
    jack_nframes_t (*get_sample_rate)(jack_client_t*);
    jack_nframes_t (*get_buffer_size)(jack_client_t*);
    jack_port_t* (*port_register)(jack_client_t*, const char* name, const char* type, unsigned long flags,
                                  unsigned long buffer_size);
    int (*set_process_callback)(jack_client_t*, jack::ProcessCallback, void*);
    int (*set_xrun_callback)(jack_client_t*, jack::XrunCallback, void*);
    int (*set_buffer_size_callback)(jack_client_t*, jack::FramesCallback, void*);
    int (*set_sample_rate_callback)(jack_client_t*, jack::FramesCallback, void*);
    void (*on_shutdown)(jack_client_t*, jack::ShutdownCallback, void*);
    int (*activate)(jack_client_t*);
    int (*deactivate)(jack_client_t*);
    char* (*get_client_name)(jack_client_t*);
    int (*is_realtime)(jack_client_t*);
    int (*client_real_time_priority)(jack_client_t*);
    const char* (*port_name)(const jack_port_t*);
    int (*connect)(jack_client_t*, const char* source, const char* destination);
    int (*disconnect)(jack_client_t*, const char* source, const char* destination);
    const char** (*get_ports)(jack_client_t*, const char* name_pattern, const char* type_pattern,
                              unsigned long flags);
    void (*free)(void*);
    float (*cpu_load)(jack_client_t*);
    jack_nframes_t (*frame_time)(const jack_client_t*);
    jack_nframes_t (*last_frame_time)(const jack_client_t*);
    void* (*port_get_buffer)(jack_port_t*, jack_nframes_t);
    uint32_t (*midi_get_event_count)(void* port_buffer);
    int (*midi_event_get)(jack::MidiEvent* event, void* port_buffer, uint32_t index);
};

// The library's name looked for, unless SCUFF_TEST_LIBJACK_SONAME names another: a test
// hook, the only way to make a system-wide libjack look missing to one process.
std::string jack_library_name();

// libjack, loaded and resolved once per process (the first call loads it; later calls
// return the same table or throw the same error). Throws JackError naming what to install
// when the library or one of its functions is missing.
const JackApi& jack_api();

} // namespace scuff::native
