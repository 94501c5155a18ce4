#include "classes.hpp"

#include <iterator>

namespace {

using namespace scuff_vst3;

// A bundle of its own: see entry_plugins.cpp.
const ClassEntry* const classes[] = {&separate_controller_class, &separate_controller_controller_class};

} // namespace

extern "C" __attribute__((visibility("default"))) Steinberg::IPluginFactory* GetPluginFactory() {
    return make_factory(classes, static_cast<Steinberg::int32>(std::size(classes)));
}
