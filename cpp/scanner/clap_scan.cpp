#include "clap_scan.hpp"

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "clap/ext/audio-ports.h"
#include "clap/ext/gui.h"
#include "clap/ext/note-ports.h"
#include "clap/ext/params.h"
#include "scan_host.hpp"
#include "scuff/clap_instance.hpp"
#include "scuff/clap_library.hpp"

namespace scuff::scan {

namespace {

// A plugin may claim any count; the scan must still end, and no real plugin comes near.
constexpr uint32_t kMaxPortsRead = 1024;

std::string text(const char* value) {
    return value ? value : "";
}

// CLAP fixed-size name fields are not guaranteed to be NUL-terminated.
template <size_t N>
std::string text(const char (&value)[N]) {
    return std::string(value, strnlen(value, N));
}

std::vector<std::string> features_of(const clap_plugin_descriptor_t& descriptor) {
    std::vector<std::string> features;
    for (const char* const* feature = descriptor.features; feature && *feature; ++feature) {
        features.emplace_back(*feature);
    }
    return features;
}

ScannedPlugin from_descriptor(const clap_plugin_descriptor_t& descriptor,
                              const std::filesystem::path& path) {
    ScannedPlugin plugin;
    plugin.id = text(descriptor.id);
    plugin.name = text(descriptor.name);
    plugin.vendor = text(descriptor.vendor);
    plugin.version = text(descriptor.version);
    plugin.description = text(descriptor.description);
    plugin.url = text(descriptor.url);
    plugin.format = "clap";
    plugin.path = path.string();
    plugin.features = features_of(descriptor);
    return plugin;
}

std::vector<ScannedPort> audio_ports(const clap_plugin_t* instance,
                                     const clap_plugin_audio_ports_t& extension, bool is_input) {
    std::vector<ScannedPort> ports;
    if (!extension.count || !extension.get) {
        return ports;
    }
    uint32_t count = extension.count(instance, is_input);
    for (uint32_t index = 0; index < count && index < kMaxPortsRead; ++index) {
        clap_audio_port_info_t info{};
        if (!extension.get(instance, index, is_input, &info)) {
            continue;
        }
        ports.push_back({info.id, text(info.name), info.channel_count,
                         (info.flags & CLAP_AUDIO_PORT_IS_MAIN) != 0});
    }
    return ports;
}

// Hidden parameters are not counted, as for VST3, whose builds often carry hidden ones.
uint32_t visible_params(const clap_plugin_t* instance, const clap_plugin_params_t& params) {
    uint32_t visible = 0;
    uint32_t count = params.count(instance);
    for (uint32_t index = 0; index < count; ++index) {
        clap_param_info_t info{};
        if (params.get_info(instance, index, &info) && (info.flags & CLAP_PARAM_IS_HIDDEN) == 0) {
            ++visible;
        }
    }
    return visible;
}

// Fills in what only a live instance can tell.
void read_instance(const clap_plugin_t* instance, ScannedPlugin& plugin) {
    auto extension = [instance](const char* id) { return instance->get_extension(instance, id); };
    if (const auto* ports = static_cast<const clap_plugin_audio_ports_t*>(
            extension(CLAP_EXT_AUDIO_PORTS))) {
        plugin.audio_inputs = audio_ports(instance, *ports, true);
        plugin.audio_outputs = audio_ports(instance, *ports, false);
    }
    if (const auto* notes = static_cast<const clap_plugin_note_ports_t*>(
            extension(CLAP_EXT_NOTE_PORTS));
        notes && notes->count) {
        plugin.note_inputs = notes->count(instance, true);
        plugin.note_outputs = notes->count(instance, false);
    }
    plugin.has_gui = extension(CLAP_EXT_GUI) != nullptr;
    if (const auto* params = static_cast<const clap_plugin_params_t*>(extension(CLAP_EXT_PARAMS));
        params && params->count && params->get_info) {
        plugin.param_count = visible_params(instance, *params);
    }
}

void probe_instance(const ClapLibrary& library, const clap_plugin_descriptor_t& descriptor,
                    ScannedPlugin& plugin) {
    ScanHost host(plugin.id);
    const clap_plugin_factory_t& factory = library.factory();
    ClapInstance instance(factory.create_plugin(&factory, host.clap(), descriptor.id));
    if (!instance) {
        std::fprintf(stderr, "scuff-scan: [%s] create_plugin failed\n", plugin.id.c_str());
        return;
    }
    if (!instance->init || !instance->init(instance.get())) {
        std::fprintf(stderr, "scuff-scan: [%s] init failed\n", plugin.id.c_str());
        return;
    }
    if (instance->get_extension) {
        read_instance(instance.get(), plugin);
    }
}

} // namespace

ScanResult scan_clap_file(const std::filesystem::path& path, const ScanOptions& options) {
    ScanResult result;
    result.path = path.string();
    std::shared_ptr<ClapLibrary> library;
    try {
        library = ClapLibrary::load(path);
    } catch (const ClapLoadError& failure) {
        result.error = failure.what();
        return result;
    }
    for (const clap_plugin_descriptor_t* descriptor : library->descriptors()) {
        if (!options.plugin_id.empty() && options.plugin_id != descriptor->id) {
            continue;
        }
        ScannedPlugin plugin = from_descriptor(*descriptor, path);
        try {
            if (options.instantiate) {
                probe_instance(*library, *descriptor, plugin);
            }
        } catch (...) {
            // A C++ plugin that lets an exception escape keeps its descriptor entry.
            std::fprintf(stderr, "scuff-scan: [%s] threw while being instantiated\n",
                         plugin.id.c_str());
            plugin = from_descriptor(*descriptor, path);
        }
        result.plugins.push_back(std::move(plugin));
    }
    result.loaded_file = library;
    return result;
}

} // namespace scuff::scan
