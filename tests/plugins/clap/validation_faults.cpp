// Plugins that misbehave in the ways scuff.validate looks for, each in one way only, so each
// is caught by one validation test: allocating in process, outputting denormals, ignoring the
// state it is given, calling the host from the wrong thread, and not being deterministic. Their
// VST3 builds (vst3/validation_faults.cpp) share the process faults (dsp/process_faults.hpp).
#include "../dsp/process_faults.hpp"
#include "gain.hpp"
#include "passthrough.hpp"
#include "plugin_types.hpp"

#include "clap/ext/latency.h"
#include "clap/ext/params.h"
#include "clap/ext/state.h"

#include <cstdint>

namespace scuff_test {

namespace {

const char* features[] = {CLAP_PLUGIN_FEATURE_AUDIO_EFFECT, CLAP_PLUGIN_FEATURE_STEREO, nullptr};
constexpr clap_plugin_descriptor_t allocates_descriptor =
    describe("org.scuff.test.allocates-in-process", "Test Allocates In Process", features);
constexpr clap_plugin_descriptor_t denormals_descriptor =
    describe("org.scuff.test.denormals", "Test Denormals", features);
constexpr clap_plugin_descriptor_t forgets_state_descriptor =
    describe("org.scuff.test.forgets-state", "Test Forgets State", features);
constexpr clap_plugin_descriptor_t wrong_thread_descriptor =
    describe("org.scuff.test.wrong-thread", "Test Wrong Thread", features);
constexpr clap_plugin_descriptor_t nondeterministic_descriptor =
    describe("org.scuff.test.nondeterministic", "Test Nondeterministic", features);

// A copy that allocates a scratch buffer in every process call and frees the previous one.
class AllocatesInProcess : public Passthrough {
public:
    AllocatesInProcess() : Passthrough(&allocates_descriptor) {}

protected:
    clap_process_status process(const clap_process_t& process) override {
        scratch_.renew();
        return Passthrough::process(process);
    }

private:
    scuff_dsp::ScratchPerBlock scratch_;
};

// A copy whose first frame of every channel, in every block, is a denormal.
class Denormals : public Passthrough {
public:
    Denormals() : Passthrough(&denormals_descriptor) {}

protected:
    clap_process_status process(const clap_process_t& process) override {
        Passthrough::process(process);
        for (uint32_t c = 0; float* out = output(process, 0, c); ++c)
            denormal_.apply(out, process.frames_count);
        return CLAP_PROCESS_CONTINUE;
    }

private:
    scuff_dsp::DenormalFirstFrame denormal_;
};

// The gain, whose load says yes and keeps the gain it had.
class ForgetsState : public Gain {
public:
    ForgetsState() : Gain(&forgets_state_descriptor) {}

protected:
    bool load(const clap_istream_t& stream) override {
        uint8_t ignored[64];
        while (stream.read(&stream, ignored, sizeof ignored) > 0) {
        }
        return true;
    }
};

// A copy that calls main-thread host functions (params.rescan, state.mark_dirty) from process.
class WrongThread : public Passthrough {
public:
    explicit WrongThread(const clap_host_t* host) : Passthrough(&wrong_thread_descriptor), host_(host) {}

protected:
    bool init() override {
        params_ = static_cast<const clap_host_params_t*>(host_->get_extension(host_, CLAP_EXT_PARAMS));
        state_ = static_cast<const clap_host_state_t*>(host_->get_extension(host_, CLAP_EXT_STATE));
        return true;
    }

    clap_process_status process(const clap_process_t& process) override {
        if (params_ && params_->rescan)
            params_->rescan(host_, CLAP_PARAM_RESCAN_VALUES);
        if (state_ && state_->mark_dirty)
            state_->mark_dirty(host_);
        return Passthrough::process(process);
    }

private:
    const clap_host_t* host_;
    const clap_host_params_t* params_ = nullptr;
    const clap_host_state_t* state_ = nullptr;
};

// A copy that wobbles at random, differently in each instance.
class Nondeterministic : public Passthrough {
public:
    Nondeterministic() : Passthrough(&nondeterministic_descriptor) {}

protected:
    clap_process_status process(const clap_process_t& process) override {
        Passthrough::process(process);
        for (uint32_t c = 0; float* out = output(process, 0, c); ++c)
            wobble_.apply(out, process.frames_count);
        return CLAP_PROCESS_CONTINUE;
    }

private:
    scuff_dsp::Wobble wobble_;
};

} // namespace

const PluginType allocates_in_process_type = {&allocates_descriptor, &create<AllocatesInProcess>};
const PluginType denormals_type = {&denormals_descriptor, &create<Denormals>};
const PluginType forgets_state_type = {&forgets_state_descriptor, &create<ForgetsState>};
const PluginType wrong_thread_type = {
    &wrong_thread_descriptor,
    [](const clap_host_t* host) { return (new WrongThread(host))->clap(); },
};
const PluginType nondeterministic_type = {&nondeterministic_descriptor, &create<Nondeterministic>};

} // namespace scuff_test
