#pragma once

// CLAP 1.1's clap.render extension, spelt out here because the CLAP headers the test plugins build
// against (DPF's copy) leave it out. Layout and values are those of clap/ext/render.h.

#include "clap/plugin.h"

#include <cstdint>

namespace scuff_test {

static constexpr const char CLAP_EXT_RENDER[] = "clap.render";

enum : int32_t {
    CLAP_RENDER_REALTIME = 0,
    CLAP_RENDER_OFFLINE = 1,
};
typedef int32_t clap_plugin_render_mode;

typedef struct clap_plugin_render {
    bool(CLAP_ABI* has_hard_realtime_requirement)(const clap_plugin_t* plugin);
    bool(CLAP_ABI* set)(const clap_plugin_t* plugin, clap_plugin_render_mode mode);
} clap_plugin_render_t;

} // namespace scuff_test
