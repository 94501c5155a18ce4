#include "classes.hpp"

#include <iterator>

namespace {

using namespace scuff_vst3;

const ClassEntry* const classes[] = {&too_many_params_class};

} // namespace

extern "C" __attribute__((visibility("default"))) Steinberg::IPluginFactory* GetPluginFactory() {
    return make_factory(classes, static_cast<Steinberg::int32>(std::size(classes)));
}
