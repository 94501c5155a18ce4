#pragma once

#include "plugin_base.hpp"

#include "clap/host.h"

namespace scuff_test {

// In scuff-test-plugins.clap. Unlike the other test plugins it calls back into the host.
extern const PluginType host_callbacks_type;

} // namespace scuff_test
