#include "factory.hpp"

#include "clap/entry.h"

namespace {

// A well-formed bundle that simply offers nothing, for scanner tests.
constexpr scuff_test::Factory factory = scuff_test::make_factory(nullptr, 0);

} // namespace

extern "C" CLAP_EXPORT const clap_plugin_entry_t clap_entry = {
    CLAP_VERSION_INIT,
    [](const char*) { return true; },
    [] {},
    [](const char* factory_id) { return scuff_test::find_factory(factory, factory_id); },
};
