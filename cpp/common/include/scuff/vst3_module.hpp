#pragma once
// A loaded VST3 module: the shared library inside a `.vst3` bundle (or a plain `.vst3`
// file), entered with ModuleEntry, and its plugin factory. Loading is a straight sequence
// of checks, each with its own error; unloading runs them backwards.
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "pluginterfaces/base/ipluginbase.h"
#include "scuff/vst3_com.hpp"

namespace scuff {

class Vst3LoadError : public std::runtime_error {
public:
    enum class Reason { FileNotFound, NotAPlugin, PluginFailed };
    Vst3LoadError(Reason reason, const std::string& message)
        : std::runtime_error(message), reason(reason) {}
    Reason reason;
};

class Vst3Module {
public:
    // `path` is a bundle folder or a single library file. Throws Vst3LoadError.
    static std::shared_ptr<Vst3Module> load(const std::filesystem::path& path);
    ~Vst3Module();
    Vst3Module(const Vst3Module&) = delete;
    Vst3Module& operator=(const Vst3Module&) = delete;

    // The shared library a bundle holds for this machine's architecture, e.g.
    // `X.vst3/Contents/x86_64-linux/X.so`; a plain file is its own binary.
    static std::filesystem::path binary_of(const std::filesystem::path& path);

    const std::filesystem::path& path() const { return path_; }
    Steinberg::IPluginFactory& factory() const { return *factory_; }

private:
    Vst3Module() = default;

    std::filesystem::path path_;
    void* handle_ = nullptr;
    bool entered_ = false;
    vst3::Owned<Steinberg::IPluginFactory> factory_;
};

} // namespace scuff
