#pragma once
// CLAP's preset-load extension, which the CLAP 1.1.1 headers shipped with DPF do not declare
// (it came with CLAP 1.2.0). Declared here from the CLAP specification, same layout; the
// location kinds are those of CLAP's preset discovery.
#include <cstdint>

#include "clap/host.h"
#include "clap/plugin.h"

extern "C" {

static const char CLAP_EXT_PRESET_LOAD[] = "clap.preset-load/2";
// The id before CLAP 1.2.0, with the same interface; plugins built then still answer to it.
static const char CLAP_EXT_PRESET_LOAD_COMPAT[] = "clap.preset-load.draft/2";

enum {
    // The location is a path in the file system.
    CLAP_PRESET_DISCOVERY_LOCATION_FILE = 0,
    // The preset is built into the plugin; the location is null.
    CLAP_PRESET_DISCOVERY_LOCATION_PLUGIN = 1,
};

typedef struct clap_plugin_preset_load {
    // [main-thread] Loads a preset in the plugin's own format. load_key picks one preset of a
    // location holding several (null otherwise). Returns true on success.
    bool(CLAP_ABI* from_location)(const clap_plugin_t* plugin, uint32_t location_kind, const char* location,
                          const char* load_key);
} clap_plugin_preset_load_t;

typedef struct clap_host_preset_load {
    // [main-thread] from_location failed: why, and the OS error if one applies (0 otherwise).
    void(CLAP_ABI* on_error)(const clap_host_t* host, uint32_t location_kind, const char* location, const char* load_key,
                     int32_t os_error, const char* msg);
    // [main-thread] The plugin loaded this preset (also when the user picked it in the plugin).
    void(CLAP_ABI* loaded)(const clap_host_t* host, uint32_t location_kind, const char* location, const char* load_key);
} clap_host_preset_load_t;

} // extern "C"
