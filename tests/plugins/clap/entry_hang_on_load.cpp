#include "../dsp/misbehave.hpp"

#include "clap/entry.h"

// Hangs the scanner or host the moment the bundle is initialised; there is never a factory to hand out.
extern "C" CLAP_EXPORT const clap_plugin_entry_t clap_entry = {
    CLAP_VERSION_INIT,
    [](const char*) -> bool { scuff_test::hang(); },
    [] {},
    [](const char*) -> const void* { return nullptr; },
};
