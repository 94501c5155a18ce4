#pragma once
// What scuff-scan learned about one plugin file, kept apart from both the plugin
// format it came from and the FlatBuffer it is sent as.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace scuff::scan {

struct ScannedPort {
    uint32_t id = 0;
    std::string name;
    uint32_t channels = 0;
    bool is_main = false;
};

struct ScannedPlugin {
    std::string id;
    std::string name;
    std::string vendor;
    std::string version;
    std::string description;
    std::string url;
    std::string format;
    std::string path;
    std::vector<std::string> features;
    std::vector<ScannedPort> audio_inputs;
    std::vector<ScannedPort> audio_outputs;
    uint32_t note_inputs = 0;
    uint32_t note_outputs = 0;
    bool has_gui = false;
    uint32_t param_count = 0;
};

// What to read. A client that saw the scan of a whole file crash or hang scans it again
// plugin by plugin, to tell the plugins that misbehave from the ones that do not.
struct ScanOptions {
    // False: only what the factory says about each plugin; no instance is created.
    bool instantiate = true;
    // Non-empty: only the plugin with this id.
    std::string plugin_id;
};

struct ScanResult {
    std::string path;
    std::vector<ScannedPlugin> plugins;
    // Empty when the file was read.
    std::string error;
    // Keeps the plugin file loaded until the report is written: a plugin that crashes
    // while being unloaded must not cost the report.
    std::shared_ptr<const void> loaded_file;
};

} // namespace scuff::scan
