#pragma once

#include "pluginterfaces/base/funknown.h"

namespace scuff_vst3 {

// Class ids, chosen to read well in hex: 5C0FF7E5 ("scuff test"), then FA for the faults bundle,
// CF for the creation-faults bundle, DE (defects) for the validation bundle and C0 for a controller
// class, then the class number. tests/support/test_plugins.py spells the
// same ids as 32 hex digits.
#define SCUFF_VST3_CID(group, number) \
    {0x5C, 0x0F, static_cast<Steinberg::int8>(0xF7), static_cast<Steinberg::int8>(0xE5), \
     static_cast<Steinberg::int8>(group), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, number}

// In scuff-test-plugins.vst3.
constexpr Steinberg::TUID gain_cid = SCUFF_VST3_CID(0x00, 0x01);
constexpr Steinberg::TUID passthrough_cid = SCUFF_VST3_CID(0x00, 0x02);
constexpr Steinberg::TUID latency_cid = SCUFF_VST3_CID(0x00, 0x03);
constexpr Steinberg::TUID sidechain_cid = SCUFF_VST3_CID(0x00, 0x04);
constexpr Steinberg::TUID mono_cid = SCUFF_VST3_CID(0x00, 0x05);
constexpr Steinberg::TUID host_callbacks_cid = SCUFF_VST3_CID(0x00, 0x07);
constexpr Steinberg::TUID instrument_cid = SCUFF_VST3_CID(0x00, 0x08);
constexpr Steinberg::TUID note_generator_cid = SCUFF_VST3_CID(0x00, 0x09);
constexpr Steinberg::TUID midi_effect_cid = SCUFF_VST3_CID(0x00, 0x0A);
constexpr Steinberg::TUID transport_probe_cid = SCUFF_VST3_CID(0x00, 0x0B);
constexpr Steinberg::TUID sized_editor_cid = SCUFF_VST3_CID(0x00, 0x0C);
constexpr Steinberg::TUID lying_latency_cid = SCUFF_VST3_CID(0x00, 0x0D);

// In scuff-test-separate-controller.vst3.
constexpr Steinberg::TUID separate_controller_cid = SCUFF_VST3_CID(0x00, 0x06);
constexpr Steinberg::TUID separate_controller_controller_cid = SCUFF_VST3_CID(0xC0, 0x06);

// In scuff-test-faults.vst3.
constexpr Steinberg::TUID faulty_cid = SCUFF_VST3_CID(0xFA, 0x01);
constexpr Steinberg::TUID crash_in_init_cid = SCUFF_VST3_CID(0xFA, 0x02);
constexpr Steinberg::TUID hang_in_init_cid = SCUFF_VST3_CID(0xFA, 0x03);
constexpr Steinberg::TUID crash_in_activate_cid = SCUFF_VST3_CID(0xFA, 0x04);
constexpr Steinberg::TUID hang_in_activate_cid = SCUFF_VST3_CID(0xFA, 0x05);
constexpr Steinberg::TUID leak_cid = SCUFF_VST3_CID(0xFA, 0x06);

// In scuff-test-creation-faults.vst3.
constexpr Steinberg::TUID creation_census_cid = SCUFF_VST3_CID(0xCF, 0x01);
constexpr Steinberg::TUID too_many_params_cid = SCUFF_VST3_CID(0xCF, 0x02);

// In scuff-test-validation.vst3.
constexpr Steinberg::TUID allocates_in_process_cid = SCUFF_VST3_CID(0xDE, 0x01);
constexpr Steinberg::TUID denormals_cid = SCUFF_VST3_CID(0xDE, 0x02);
constexpr Steinberg::TUID forgets_state_cid = SCUFF_VST3_CID(0xDE, 0x03);
constexpr Steinberg::TUID wrong_thread_cid = SCUFF_VST3_CID(0xDE, 0x04);
constexpr Steinberg::TUID nondeterministic_cid = SCUFF_VST3_CID(0xDE, 0x05);

#undef SCUFF_VST3_CID

} // namespace scuff_vst3
