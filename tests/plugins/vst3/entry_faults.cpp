#include "classes.hpp"

#include <iterator>

namespace {

using namespace scuff_vst3;

const ClassEntry* const classes[] = {
    &faulty_class, &crash_in_init_class, &hang_in_init_class, &crash_in_activate_class, &hang_in_activate_class, &leak_class,
};

} // namespace

extern "C" __attribute__((visibility("default"))) Steinberg::IPluginFactory* GetPluginFactory() {
    return make_factory(classes, static_cast<Steinberg::int32>(std::size(classes)));
}
