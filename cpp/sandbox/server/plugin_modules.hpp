#pragma once
// The plugin files a sandbox has loaded, one load per file (a CLAP entry's init and
// deinit, and a VST3 module's ModuleEntry and ModuleExit, stay balanced across its
// devices), and the creation of a device of the right format from a file. A file stays
// loaded while the sandbox lives, as in most hosts: loading it again for each new device
// cost a batch job a third of the sandbox's time (the loader, the plugin's own start-up),
// and many plugins are not written to be unloaded and loaded again in one process.
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "core/device.hpp"

namespace scuff {
// Known only to plugin_modules.cpp, so that no file including this one sees a format.
class ClapLibrary;
class Vst3Module;
} // namespace scuff

namespace scuff::sbox {

class PluginModules {
public:
    // Main thread. A `.vst3` bundle or file gives a VST3 device, anything else a CLAP
    // one; `plugin_id` names the plugin inside the file (empty: its first). Throws RequestError.
    std::unique_ptr<Device> create_device(uint32_t id, const std::string& path, const std::string& plugin_id,
                                          HostServices& services);

private:
    std::shared_ptr<ClapLibrary> clap_library(const std::filesystem::path& path);
    std::shared_ptr<Vst3Module> vst3_module(const std::filesystem::path& path);

    std::map<std::filesystem::path, std::shared_ptr<ClapLibrary>> clap_libraries_;
    std::map<std::filesystem::path, std::shared_ptr<Vst3Module>> vst3_modules_;
};

} // namespace scuff::sbox
