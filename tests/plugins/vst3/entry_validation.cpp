#include "classes.hpp"

#include <iterator>

namespace {

using namespace scuff_vst3;

const ClassEntry* const classes[] = {
    &allocates_in_process_class, &denormals_class, &forgets_state_class, &wrong_thread_class, &nondeterministic_class,
};

} // namespace

extern "C" __attribute__((visibility("default"))) Steinberg::IPluginFactory* GetPluginFactory() {
    return make_factory(classes, static_cast<Steinberg::int32>(std::size(classes)));
}
