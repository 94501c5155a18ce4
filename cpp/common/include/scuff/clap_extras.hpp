#pragma once
// CLAP extensions that the CLAP 1.1.1 headers shipped with DPF do not declare.
// Declared here from the CLAP specification, with the same names and layout.
#include <cstdint>

#include "clap/host.h"

extern "C" {

static const char CLAP_EXT_LOG[] = "clap.log";

enum {
    CLAP_LOG_DEBUG = 0,
    CLAP_LOG_INFO = 1,
    CLAP_LOG_WARNING = 2,
    CLAP_LOG_ERROR = 3,
    CLAP_LOG_FATAL = 4,
    CLAP_LOG_HOST_MISBEHAVING = 5,
    CLAP_LOG_PLUGIN_MISBEHAVING = 6,
};
typedef int32_t clap_log_severity;

typedef struct clap_host_log {
    // [thread-safe]
    void (*log)(const clap_host_t* host, clap_log_severity severity, const char* msg);
} clap_host_log_t;

} // extern "C"
