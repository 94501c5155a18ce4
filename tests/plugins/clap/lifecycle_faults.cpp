#include "../dsp/misbehave.hpp"
#include "passthrough.hpp"
#include "plugin_types.hpp"

namespace scuff_test {

namespace {

const char* features[] = {CLAP_PLUGIN_FEATURE_AUDIO_EFFECT, CLAP_PLUGIN_FEATURE_STEREO, nullptr};
constexpr clap_plugin_descriptor_t crash_in_init =
    describe("org.scuff.test.crash-in-init", "Test Crash In Init", features);
constexpr clap_plugin_descriptor_t crash_in_activate =
    describe("org.scuff.test.crash-in-activate", "Test Crash In Activate", features);
constexpr clap_plugin_descriptor_t hang_in_init = describe("org.scuff.test.hang-in-init", "Test Hang In Init", features);
constexpr clap_plugin_descriptor_t hang_in_activate =
    describe("org.scuff.test.hang-in-activate", "Test Hang In Activate", features);

enum class Stage { init, activate };

// Misbehaves unconditionally in one main-thread lifecycle call, before a test could arm anything.
template <Stage stage, void (*misbehave)()>
class LifecycleFault : public Passthrough {
public:
    using Passthrough::Passthrough;

protected:
    bool init() override {
        if (stage == Stage::init)
            misbehave();
        return true;
    }

    bool activate() override {
        if (stage == Stage::activate)
            misbehave();
        return true;
    }
};

template <Stage stage, void (*misbehave)(), const clap_plugin_descriptor_t& descriptor>
const clap_plugin_t* create_fault(const clap_host_t*) {
    return (new LifecycleFault<stage, misbehave>(&descriptor))->clap();
}

} // namespace

const PluginType crash_in_init_type = {&crash_in_init, &create_fault<Stage::init, crash, crash_in_init>};
const PluginType crash_in_activate_type = {&crash_in_activate,
                                           &create_fault<Stage::activate, crash, crash_in_activate>};
const PluginType hang_in_init_type = {&hang_in_init, &create_fault<Stage::init, hang, hang_in_init>};
const PluginType hang_in_activate_type = {&hang_in_activate, &create_fault<Stage::activate, hang, hang_in_activate>};

} // namespace scuff_test
