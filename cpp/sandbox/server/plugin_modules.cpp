#include "server/plugin_modules.hpp"

#include "clap/device.hpp"
#include "core/request_error.hpp"
#include "scuff/clap_library.hpp"
#include "scuff/plugin_format.hpp"
#include "scuff/vst3_module.hpp"
#include "vst3/device.hpp"

namespace scuff::sbox {

using protocol::ErrorCode;

namespace {

std::filesystem::path canonical(const std::string& path) {
    std::error_code error;
    auto result = std::filesystem::weakly_canonical(path, error);
    return error ? std::filesystem::path(path) : result;
}

// Keeps one load per file: later devices of the same file share it.
template <class Module, class Load>
std::shared_ptr<Module> shared_load(std::map<std::filesystem::path, std::shared_ptr<Module>>& loaded,
                                    const std::filesystem::path& path, Load load) {
    auto& module = loaded[path];
    if (!module) {
        module = load(path);
    }
    return module;
}

} // namespace

std::unique_ptr<Device> PluginModules::create_device(uint32_t id, const std::string& path,
                                                     const std::string& plugin_id, HostServices& services) {
    auto file = canonical(path);
    if (plugin_format_of(file.string()) == PluginFormat::Vst3) {
        return std::make_unique<Vst3Device>(id, vst3_module(file), plugin_id, services);
    }
    return std::make_unique<ClapDevice>(id, clap_library(file), plugin_id, services);
}

std::shared_ptr<ClapLibrary> PluginModules::clap_library(const std::filesystem::path& path) {
    try {
        return shared_load(clap_libraries_, path, [](const auto& file) { return ClapLibrary::load(file); });
    } catch (const ClapLoadError& error) {
        switch (error.reason) {
        case ClapLoadError::Reason::FileNotFound:
            throw RequestError(ErrorCode::FileNotFound, error.what());
        case ClapLoadError::Reason::NotAPlugin:
            throw RequestError(ErrorCode::NotAPlugin, error.what());
        case ClapLoadError::Reason::PluginNotFound:
            throw RequestError(ErrorCode::PluginNotFound, error.what());
        case ClapLoadError::Reason::PluginFailed:
            break;
        }
        throw RequestError(ErrorCode::PluginFailed, error.what());
    }
}

std::shared_ptr<Vst3Module> PluginModules::vst3_module(const std::filesystem::path& path) {
    try {
        return shared_load(vst3_modules_, path, [](const auto& file) { return Vst3Module::load(file); });
    } catch (const Vst3LoadError& error) {
        switch (error.reason) {
        case Vst3LoadError::Reason::FileNotFound:
            throw RequestError(ErrorCode::FileNotFound, error.what());
        case Vst3LoadError::Reason::NotAPlugin:
            throw RequestError(ErrorCode::NotAPlugin, error.what());
        case Vst3LoadError::Reason::PluginFailed:
            break;
        }
        throw RequestError(ErrorCode::PluginFailed, error.what());
    }
}

} // namespace scuff::sbox
