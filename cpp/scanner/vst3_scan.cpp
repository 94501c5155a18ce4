#include "vst3_scan.hpp"

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "pluginterfaces/gui/iplugview.h"
#include "pluginterfaces/vst/ivstaudioprocessor.h"
#include "scuff/vst3_classes.hpp"
#include "scuff/vst3_module.hpp"
#include "scuff/vst3_plugin_instance.hpp"
#include "scuff/vst3_text.hpp"
#include "vst3_host_context.hpp"

namespace scuff::scan {

namespace {

using namespace Steinberg;
using vst3::ClassInfo;
using vst3::ClassReader;
using vst3::hex_id;
using vst3::text;

// A plugin may claim any count; the scan must still end, and no real plugin comes near.
constexpr int32 kMaxBusesRead = 1024;
constexpr int32 kMaxClassesRead = 10000;

std::vector<std::string> split_categories(const std::string& sub_categories) {
    std::vector<std::string> features;
    size_t start = 0;
    while (start <= sub_categories.size()) {
        size_t end = sub_categories.find('|', start);
        if (end == std::string::npos) {
            end = sub_categories.size();
        }
        if (end > start) {
            features.push_back(sub_categories.substr(start, end - start));
        }
        start = end + 1;
    }
    return features;
}

std::vector<ScannedPort> audio_buses(Vst::IComponent& component, Vst::BusDirection direction) {
    std::vector<ScannedPort> ports;
    int32 count = component.getBusCount(Vst::kAudio, direction);
    for (int32 index = 0; index < count && index < kMaxBusesRead; ++index) {
        Vst::BusInfo bus{};
        if (component.getBusInfo(Vst::kAudio, direction, index, bus) != kResultOk) {
            continue;
        }
        ports.push_back({static_cast<uint32_t>(index), text(bus.name),
                         static_cast<uint32_t>(bus.channelCount > 0 ? bus.channelCount : 0),
                         bus.busType == Vst::kMain});
    }
    return ports;
}

uint32_t event_bus_count(Vst::IComponent& component, Vst::BusDirection direction) {
    int32 count = component.getBusCount(Vst::kEvent, direction);
    return count > 0 ? static_cast<uint32_t>(count) : 0;
}

// Hidden parameters are the plugin's own business (DPF's buffer size and sample rate,
// program changes), so they are not counted: a CLAP and a VST3 build of one plugin then
// report the same count.
uint32_t visible_params(Vst::IEditController& controller) {
    uint32_t visible = 0;
    int32 count = controller.getParameterCount();
    for (int32 index = 0; index < count; ++index) {
        Vst::ParameterInfo info{};
        if (controller.getParameterInfo(index, info) == kResultOk &&
            (info.flags & Vst::ParameterInfo::kIsHidden) == 0) {
            ++visible;
        }
    }
    return visible;
}

void read_controller(Vst::IEditController& controller, ScannedPlugin& plugin) {
    plugin.param_count = visible_params(controller);
    // The view is released without being attached to a window, which is when most
    // plugins build their editor's widgets; a plugin that builds them here makes its
    // scan slower, and one that crashes without a display costs its file's scan.
    vst3::Owned<IPlugView> view(controller.createView(Vst::ViewType::kEditor));
    plugin.has_gui = view != nullptr;
}

// Fills in what only a live instance can tell: buses from the component, parameters and
// the editor from its controller (the component itself, or a separate class). What the
// plugin refuses to make is left unknown, and said on stderr.
void probe_instance(IPluginFactory& factory, const ClassInfo& info, ScannedPlugin& plugin) {
    std::unique_ptr<Vst3PluginInstance> instance;
    try {
        instance = std::make_unique<Vst3PluginInstance>(factory, info.cid, &Vst3HostContext::instance(), info.name);
    } catch (const Vst3InstanceError& failure) {
        std::fprintf(stderr, "scuff-scan: [%s] %s\n", plugin.id.c_str(), failure.what());
        return;
    }
    Vst::IComponent& component = instance->component();
    plugin.audio_inputs = audio_buses(component, Vst::kInput);
    plugin.audio_outputs = audio_buses(component, Vst::kOutput);
    plugin.note_inputs = event_bus_count(component, Vst::kInput);
    plugin.note_outputs = event_bus_count(component, Vst::kOutput);
    try {
        if (instance->open_controller()) {
            read_controller(*instance->controller(), plugin);
        }
    } catch (const Vst3InstanceError& failure) {
        std::fprintf(stderr, "scuff-scan: [%s] %s\n", plugin.id.c_str(), failure.what());
    }
}

ScannedPlugin from_class_info(const ClassInfo& info, const std::string& factory_vendor,
                              const std::string& factory_url, const std::filesystem::path& path) {
    ScannedPlugin plugin;
    plugin.id = hex_id(info.cid);
    plugin.name = info.name;
    plugin.vendor = info.vendor.empty() ? factory_vendor : info.vendor;
    plugin.version = info.version;
    plugin.url = factory_url;
    plugin.format = "vst3";
    plugin.path = path.string();
    plugin.features = split_categories(info.sub_categories);
    return plugin;
}

} // namespace

ScanResult scan_vst3_file(const std::filesystem::path& path, const ScanOptions& options) {
    ScanResult result;
    result.path = path.string();
    std::shared_ptr<Vst3Module> module;
    try {
        module = Vst3Module::load(path);
    } catch (const Vst3LoadError& failure) {
        result.error = failure.what();
        return result;
    }
    IPluginFactory& factory = module->factory();
    PFactoryInfo factory_info;
    std::string factory_vendor, factory_url;
    if (factory.getFactoryInfo(&factory_info) == kResultOk) {
        factory_vendor = text(factory_info.vendor);
        factory_url = text(factory_info.url);
    }

    ClassReader classes(factory, &Vst3HostContext::instance());
    int32 count = classes.count();
    for (int32 index = 0; index < count && index < kMaxClassesRead; ++index) {
        ClassInfo info;
        if (!classes.read(index, info) || info.category != kVstAudioEffectClass) {
            continue;
        }
        ScannedPlugin plugin = from_class_info(info, factory_vendor, factory_url, path);
        if (!options.plugin_id.empty() && options.plugin_id != plugin.id) {
            continue;
        }
        try {
            if (options.instantiate) {
                probe_instance(factory, info, plugin);
            }
        } catch (...) {
            // A C++ plugin that lets an exception escape keeps its class info entry.
            std::fprintf(stderr, "scuff-scan: [%s] threw while being instantiated\n",
                         plugin.id.c_str());
            plugin = from_class_info(info, factory_vendor, factory_url, path);
        }
        result.plugins.push_back(std::move(plugin));
    }
    result.loaded_file = module;
    return result;
}

} // namespace scuff::scan
