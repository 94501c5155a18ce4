#pragma once
// Owns a plugin instance a CLAP factory created: destroyed when it goes, whatever step
// after create_plugin failed, since destroy() is valid whether or not init() ran or succeeded.
#include <memory>

#include "clap/plugin.h"

namespace scuff {

struct ClapInstanceDestroyer {
    void operator()(const clap_plugin_t* instance) const {
        if (instance->destroy) {
            instance->destroy(instance);
        }
    }
};

using ClapInstance = std::unique_ptr<const clap_plugin_t, ClapInstanceDestroyer>;

} // namespace scuff
