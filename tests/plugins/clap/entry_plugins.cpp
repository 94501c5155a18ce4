#include "factory.hpp"
#include "host_callbacks.hpp"
#include "plugin_types.hpp"

#include "clap/entry.h"

#include <cstring>
#include <iterator>

namespace {

using namespace scuff_test;

const PluginType* const types[] = {
    &gain_type,           &passthrough_type,    &latency_type,     &sidechain_type,       &mono_type,
    &instrument_type,     &host_callbacks_type, &note_generator_type, &midi_effect_type, &transport_probe_type,
    &lying_latency_type,
};
constexpr Factory factory = make_factory(types, std::size(types));

} // namespace

extern "C" CLAP_EXPORT const clap_plugin_entry_t clap_entry = {
    CLAP_VERSION_INIT,
    [](const char*) { return true; },
    [] {},
    [](const char* factory_id) -> const void* {
        return std::strcmp(factory_id, CLAP_PLUGIN_FACTORY_ID) == 0 ? &factory.clap : nullptr;
    },
};
