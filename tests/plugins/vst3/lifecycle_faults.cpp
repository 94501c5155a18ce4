#include "../dsp/misbehave.hpp"
#include "class_ids.hpp"
#include "classes.hpp"
#include "passthrough.hpp"

namespace scuff_vst3 {

namespace {

enum class Stage { initialize, activate };

// Misbehaves unconditionally in one main-thread lifecycle call (IComponent::initialize, or
// setActive(true)), before a test could arm anything.
template <Stage stage, void (*misbehave)()>
class LifecycleFault : public Passthrough {
protected:
    bool on_initialize(FUnknown*) override {
        if (stage == Stage::initialize)
            misbehave();
        return true;
    }

    void on_active(bool active) override {
        if (stage == Stage::activate && active)
            misbehave();
    }
};

} // namespace

const ClassEntry crash_in_init_class = {crash_in_init_cid, kVstAudioEffectClass, "Test Crash In Init", "Fx|Stereo",
                                        &create<LifecycleFault<Stage::initialize, scuff_test::crash>>};
const ClassEntry hang_in_init_class = {hang_in_init_cid, kVstAudioEffectClass, "Test Hang In Init", "Fx|Stereo",
                                       &create<LifecycleFault<Stage::initialize, scuff_test::hang>>};
const ClassEntry crash_in_activate_class = {crash_in_activate_cid, kVstAudioEffectClass, "Test Crash In Activate",
                                            "Fx|Stereo", &create<LifecycleFault<Stage::activate, scuff_test::crash>>};
const ClassEntry hang_in_activate_class = {hang_in_activate_cid, kVstAudioEffectClass, "Test Hang In Activate",
                                           "Fx|Stereo", &create<LifecycleFault<Stage::activate, scuff_test::hang>>};

} // namespace scuff_vst3
