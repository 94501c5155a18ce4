#pragma once
// The plugin files a sandbox has loaded, one load per file (a CLAP entry's init and
// deinit, and a VST3 module's ModuleEntry and ModuleExit, stay balanced across its
// devices), and the creation of a device of the right format from a file.
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "core/device.hpp"
#include "scuff/clap_library.hpp"
#include "scuff/vst3_module.hpp"

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

    std::map<std::filesystem::path, std::weak_ptr<ClapLibrary>> clap_libraries_;
    std::map<std::filesystem::path, std::weak_ptr<Vst3Module>> vst3_modules_;
};

} // namespace scuff::sbox
