#pragma once

#include "plugin_base.hpp"

namespace scuff_test {

// scuff-test-plugins.clap
extern const PluginType gain_type;
extern const PluginType passthrough_type;
extern const PluginType latency_type;
extern const PluginType lying_latency_type;
extern const PluginType sidechain_type;
extern const PluginType mono_type;
extern const PluginType instrument_type;
extern const PluginType note_generator_type;
extern const PluginType midi_effect_type;
extern const PluginType transport_probe_type;

// scuff-test-faults.clap
extern const PluginType faulty_type;
extern const PluginType crash_in_init_type;
extern const PluginType crash_in_activate_type;
extern const PluginType hang_in_init_type;
extern const PluginType hang_in_activate_type;
extern const PluginType leak_type;
extern const PluginType editor_faults_type;
extern const PluginType floating_editor_type;

// scuff-test-creation-faults.clap
extern const PluginType creation_census_type;
extern const PluginType too_many_params_type;
extern const PluginType audio_ports_fail_type;

// scuff-test-hostile.clap
extern const PluginType hostile_allocate_type;
extern const PluginType hostile_spin_type;
extern const PluginType hostile_connect_type;
extern const PluginType hostile_connect_unix_type;
extern const PluginType hostile_write_type;
extern const PluginType hostile_read_type;
extern const PluginType hostile_exec_type;
extern const PluginType hostile_fork_type;
extern const PluginType hostile_signal_type;
extern const PluginType hostile_exec_in_init_type;
extern const PluginType hostile_write_deep_type;
extern const PluginType hostile_signal_host_type;
extern const PluginType hostile_read_many_type;
extern const PluginType hostile_x11_snoop_type;
extern const PluginType hostile_x11_grab_type;
extern const PluginType keep_settings_type;
extern const PluginType keep_settings_other_vendor_type;

// scuff-test-validation.clap
extern const PluginType allocates_in_process_type;
extern const PluginType denormals_type;
extern const PluginType forgets_state_type;
extern const PluginType wrong_thread_type;
extern const PluginType nondeterministic_type;

// scuff-test-presets.clap
extern const PluginType preset_gain_type;
extern const PluginType draft_preset_gain_type;

} // namespace scuff_test
