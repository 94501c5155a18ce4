#pragma once

#include "plugin_base.hpp"

#include "clap/plugin-factory.h"

#include <cstring>

namespace scuff_test {

// The clap_plugin_factory_t comes first so the pointer the host passes back leads to the type list.
struct Factory {
    clap_plugin_factory_t clap;
    const PluginType* const* types;
    uint32_t count;
};

inline const Factory& factory_of(const clap_plugin_factory_t* factory) {
    return *reinterpret_cast<const Factory*>(factory);
}

constexpr Factory make_factory(const PluginType* const* types, uint32_t count) {
    return {
        {
            [](const clap_plugin_factory_t* f) { return factory_of(f).count; },
            [](const clap_plugin_factory_t* f, uint32_t index) -> const clap_plugin_descriptor_t* {
                return index < factory_of(f).count ? factory_of(f).types[index]->descriptor : nullptr;
            },
            [](const clap_plugin_factory_t* f, const clap_host_t* host, const char* id) -> const clap_plugin_t* {
                if (!clap_version_is_compatible(host->clap_version))
                    return nullptr;
                for (uint32_t i = 0; i < factory_of(f).count; ++i) {
                    const PluginType& type = *factory_of(f).types[i];
                    if (std::strcmp(type.descriptor->id, id) == 0)
                        return type.create(host);
                }
                return nullptr;
            },
        },
        types,
        count,
    };
}

inline const void* find_factory(const Factory& factory, const char* factory_id) {
    return std::strcmp(factory_id, CLAP_PLUGIN_FACTORY_ID) == 0 ? &factory.clap : nullptr;
}

} // namespace scuff_test
