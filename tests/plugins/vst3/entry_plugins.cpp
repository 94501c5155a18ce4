#include "classes.hpp"

#include <iterator>

namespace {

using namespace scuff_vst3;

// No separate controller class here: JUCE-based hosts (pedalboard among them) give a component that
// has no controller class id the first controller class of its factory, ahead of the component itself.
const ClassEntry* const classes[] = {
    &gain_class,       &passthrough_class,    &latency_class,     &sidechain_class,       &mono_class,
    &host_callbacks_class, &instrument_class, &note_generator_class, &midi_effect_class, &transport_probe_class,
    &sized_editor_class, &lying_latency_class,
};

} // namespace

extern "C" __attribute__((visibility("default"))) Steinberg::IPluginFactory* GetPluginFactory() {
    return make_factory(classes, static_cast<Steinberg::int32>(std::size(classes)));
}
