#pragma once
// CLAP extensions that the CLAP 1.1.1 headers shipped with DPF do not declare.
// Declared here from the CLAP specification, with the same names and layout.
#include <cstdint>

#include "clap/host.h"
#include "clap/plugin.h"

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

static const char CLAP_EXT_RENDER[] = "clap.render";

enum {
    // Default: the plugin processes in real time, under the host's deadline.
    CLAP_RENDER_REALTIME = 0,
    // The host renders offline: the plugin may take as long as it needs.
    CLAP_RENDER_OFFLINE = 1,
};
typedef int32_t clap_plugin_render_mode;

typedef struct clap_plugin_render {
    // [main-thread]
    bool (*has_hard_realtime_requirement)(const clap_plugin_t* plugin);
    // [main-thread]
    bool (*set)(const clap_plugin_t* plugin, clap_plugin_render_mode mode);
} clap_plugin_render_t;

} // extern "C"
