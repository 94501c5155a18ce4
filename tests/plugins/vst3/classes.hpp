#pragma once

#include "factory.hpp"

namespace scuff_vst3 {

// In scuff-test-plugins.vst3.
extern const ClassEntry gain_class;
extern const ClassEntry passthrough_class;
extern const ClassEntry latency_class;
extern const ClassEntry sidechain_class;
extern const ClassEntry mono_class;
extern const ClassEntry host_callbacks_class;
extern const ClassEntry instrument_class;
extern const ClassEntry note_generator_class;
extern const ClassEntry midi_effect_class;
extern const ClassEntry transport_probe_class;
extern const ClassEntry sized_editor_class;
extern const ClassEntry lying_latency_class;

// In scuff-test-separate-controller.vst3.
extern const ClassEntry separate_controller_class;
extern const ClassEntry separate_controller_controller_class;

// In scuff-test-faults.vst3.
extern const ClassEntry faulty_class;
extern const ClassEntry crash_in_init_class;
extern const ClassEntry hang_in_init_class;
extern const ClassEntry crash_in_activate_class;
extern const ClassEntry hang_in_activate_class;
extern const ClassEntry leak_class;

// In scuff-test-creation-faults.vst3.
extern const ClassEntry creation_census_class;
extern const ClassEntry too_many_params_class;

// In scuff-test-validation.vst3.
extern const ClassEntry allocates_in_process_class;
extern const ClassEntry denormals_class;
extern const ClassEntry forgets_state_class;
extern const ClassEntry wrong_thread_class;
extern const ClassEntry nondeterministic_class;

} // namespace scuff_vst3
