#pragma once
// A loaded CLAP plugin file: the shared library, its initialised entry and its
// plugin factory. Loading is a straight sequence of checks, each with its own error.
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "clap/entry.h"
#include "clap/plugin-factory.h"

namespace scuff {

class ClapLoadError : public std::runtime_error {
public:
    enum class Reason { FileNotFound, NotAPlugin, PluginFailed, PluginNotFound };
    ClapLoadError(Reason reason, const std::string& message)
        : std::runtime_error(message), reason(reason) {}
    Reason reason;
};

class ClapLibrary {
public:
    // Throws ClapLoadError.
    static std::shared_ptr<ClapLibrary> load(const std::filesystem::path& path);
    ~ClapLibrary();
    ClapLibrary(const ClapLibrary&) = delete;
    ClapLibrary& operator=(const ClapLibrary&) = delete;

    const std::filesystem::path& path() const { return path_; }
    const clap_plugin_factory_t& factory() const { return *factory_; }
    // Another factory of the file's entry (preset discovery...), or null when it has none.
    const void* extra_factory(const char* factory_id) const { return entry_->get_factory(factory_id); }
    std::vector<const clap_plugin_descriptor_t*> descriptors() const;
    // The descriptor with this id, or the file's first one when `plugin_id` is empty.
    // Throws ClapLoadError(PluginNotFound).
    const clap_plugin_descriptor_t& descriptor(const std::string& plugin_id) const;

private:
    ClapLibrary() = default;

    std::filesystem::path path_;
    void* handle_ = nullptr;
    const clap_plugin_entry_t* entry_ = nullptr;
    const clap_plugin_factory_t* factory_ = nullptr;
};

} // namespace scuff
