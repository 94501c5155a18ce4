#include "factory.hpp"
#include "plugin_types.hpp"

#include "clap/entry.h"

#include <iterator>

namespace {

using namespace scuff_test;

const PluginType* const types[] = {&preset_gain_type, &draft_preset_gain_type};
constexpr Factory factory = make_factory(types, std::size(types));

} // namespace

extern "C" CLAP_EXPORT const clap_plugin_entry_t clap_entry = {
    CLAP_VERSION_INIT,
    [](const char*) { return true; },
    [] {},
    [](const char* factory_id) { return find_factory(factory, factory_id); },
};
