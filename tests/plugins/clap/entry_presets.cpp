#include "factory.hpp"
#include "plugin_types.hpp"
#include "preset_discovery.hpp"

#include "clap/entry.h"

#include <iterator>

namespace {

using namespace scuff_test;

const PluginType* const types[] = {&preset_gain_type, &draft_preset_gain_type};
constexpr Factory factory = make_factory(types, std::size(types));

const void* get_factory(const char* factory_id) {
    const void* plugins = find_factory(factory, factory_id);
    return plugins ? plugins : preset_discovery_factory(factory_id);
}

} // namespace

extern "C" CLAP_EXPORT const clap_plugin_entry_t clap_entry = {
    CLAP_VERSION_INIT,
    [](const char* plugin_path) {
        set_presets_folder(plugin_path);
        return true;
    },
    [] {},
    get_factory,
};
