#include "scuff/clap_library.hpp"

#include "scuff/os/dynamic_library.hpp"

namespace scuff {

using Reason = ClapLoadError::Reason;

std::shared_ptr<ClapLibrary> ClapLibrary::load(const std::filesystem::path& path) {
    std::error_code error;
    if (!std::filesystem::exists(path, error)) {
        throw ClapLoadError(Reason::FileNotFound, "no such file: " + path.string());
    }
    if (!std::filesystem::is_regular_file(path, error)) {
        throw ClapLoadError(Reason::NotAPlugin, "not a CLAP plugin file: " + path.string());
    }
    std::shared_ptr<ClapLibrary> library(new ClapLibrary());
    library->path_ = path;
    std::string reason;
    library->handle_ = os::open_library(path, reason);
    if (!library->handle_) {
        throw ClapLoadError(Reason::NotAPlugin, "cannot load " + path.string() + ": " + reason);
    }
    library->entry_ = static_cast<const clap_plugin_entry_t*>(os::library_symbol(library->handle_, "clap_entry"));
    if (!library->entry_) {
        throw ClapLoadError(Reason::NotAPlugin, "no clap_entry symbol in " + path.string());
    }
    if (!clap_version_is_compatible(library->entry_->clap_version)) {
        throw ClapLoadError(Reason::NotAPlugin, "incompatible CLAP version in " + path.string());
    }
    if (!library->entry_->init || !library->entry_->init(path.c_str())) {
        library->entry_ = nullptr;
        throw ClapLoadError(Reason::PluginFailed, "clap_entry.init failed for " + path.string());
    }
    library->factory_ = static_cast<const clap_plugin_factory_t*>(
        library->entry_->get_factory(CLAP_PLUGIN_FACTORY_ID));
    if (!library->factory_ || !library->factory_->get_plugin_count ||
        !library->factory_->get_plugin_descriptor || !library->factory_->create_plugin) {
        throw ClapLoadError(Reason::NotAPlugin, "no plugin factory in " + path.string());
    }
    return library;
}

ClapLibrary::~ClapLibrary() {
    if (entry_) {
        entry_->deinit();
    }
    if (handle_) {
        os::close_library(handle_);
    }
}

std::vector<const clap_plugin_descriptor_t*> ClapLibrary::descriptors() const {
    std::vector<const clap_plugin_descriptor_t*> result;
    uint32_t count = factory_->get_plugin_count(factory_);
    for (uint32_t i = 0; i < count; ++i) {
        const clap_plugin_descriptor_t* descriptor = factory_->get_plugin_descriptor(factory_, i);
        if (descriptor && descriptor->id) {
            result.push_back(descriptor);
        }
    }
    return result;
}

const clap_plugin_descriptor_t& ClapLibrary::descriptor(const std::string& plugin_id) const {
    auto all = descriptors();
    if (all.empty()) {
        throw ClapLoadError(Reason::PluginNotFound, path_.string() + " holds no plugins");
    }
    if (plugin_id.empty()) {
        return *all.front();
    }
    for (const auto* descriptor : all) {
        if (plugin_id == descriptor->id) {
            return *descriptor;
        }
    }
    std::string known;
    for (const auto* descriptor : all) {
        known += (known.empty() ? "" : ", ") + std::string(descriptor->id);
    }
    throw ClapLoadError(Reason::PluginNotFound,
                        "no plugin with id '" + plugin_id + "' in " + path_.string() +
                            " (it holds: " + known + ")");
}

} // namespace scuff
