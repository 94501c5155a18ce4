#include "scuff/vst3_module.hpp"

#include "scuff/os/dynamic_library.hpp"

namespace scuff {

namespace {

using Reason = Vst3LoadError::Reason;

// The bundle folder names of the VST3 module architecture for Linux: `uname -m` and
// "-linux". The scanner can only load a binary built for its own architecture.
#if defined(__x86_64__)
constexpr const char* kArchitecture = "x86_64-linux";
#elif defined(__aarch64__)
constexpr const char* kArchitecture = "aarch64-linux";
#elif defined(__i386__)
constexpr const char* kArchitecture = "i386-linux";
#elif defined(__arm__)
constexpr const char* kArchitecture = "armv7l-linux";
#else
#error "unknown architecture: add its VST3 bundle folder name"
#endif

// Linux modules export these two around the factory's lifetime; both are optional.
using ModuleEntryProc = bool (*)(void* library_handle);
using ModuleExitProc = bool (*)();

} // namespace

std::filesystem::path Vst3Module::binary_of(const std::filesystem::path& path) {
    std::error_code error;
    if (!std::filesystem::is_directory(path, error)) {
        return path;
    }
    return path / "Contents" / kArchitecture / (path.stem().string() + ".so");
}

std::shared_ptr<Vst3Module> Vst3Module::load(const std::filesystem::path& path) {
    std::error_code error;
    if (!std::filesystem::exists(path, error)) {
        throw Vst3LoadError(Reason::FileNotFound, "no such file: " + path.string());
    }
    std::filesystem::path binary = binary_of(path);
    if (!std::filesystem::is_regular_file(binary, error)) {
        throw Vst3LoadError(Reason::NotAPlugin,
                            "no " + std::string(kArchitecture) + " binary in the VST3 bundle " +
                                path.string() + " (expected " + binary.string() + ")");
    }
    std::shared_ptr<Vst3Module> module(new Vst3Module());
    module->path_ = path;
    std::string reason;
    module->handle_ = os::open_library(binary, reason);
    if (!module->handle_) {
        throw Vst3LoadError(Reason::NotAPlugin, "cannot load " + path.string() + ": " + reason);
    }
    auto get_factory = reinterpret_cast<GetFactoryProc>(os::library_symbol(module->handle_, "GetPluginFactory"));
    if (!get_factory) {
        throw Vst3LoadError(Reason::NotAPlugin, "no GetPluginFactory symbol in " + binary.string());
    }
    if (auto entry = reinterpret_cast<ModuleEntryProc>(os::library_symbol(module->handle_, "ModuleEntry"))) {
        if (!entry(module->handle_)) {
            throw Vst3LoadError(Reason::PluginFailed, "ModuleEntry failed for " + path.string());
        }
        module->entered_ = true;
    }
    module->factory_.reset(get_factory());
    if (!module->factory_) {
        throw Vst3LoadError(Reason::PluginFailed, "GetPluginFactory returned no factory in " +
                                                      path.string());
    }
    return module;
}

Vst3Module::~Vst3Module() {
    // The factory goes before ModuleExit, and the library after it.
    factory_.reset();
    if (entered_) {
        if (auto exit = reinterpret_cast<ModuleExitProc>(os::library_symbol(handle_, "ModuleExit"))) {
            exit();
        }
    }
    if (handle_) {
        os::close_library(handle_);
    }
}

} // namespace scuff
