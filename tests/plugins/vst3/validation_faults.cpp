// The VST3 builds of the plugins that misbehave in the ways scuff.validate looks for, each in one
// way only (clap/validation_faults.cpp): allocating in process, outputting denormals, ignoring the
// state it is given, calling the host from the wrong thread, and not being deterministic. The
// process faults are the CLAP builds' (dsp/process_faults.hpp).
#include "../dsp/process_faults.hpp"
#include "audio_buffers.hpp"
#include "class_ids.hpp"
#include "classes.hpp"
#include "gain.hpp"
#include "passthrough.hpp"

#include "pluginterfaces/base/ibstream.h"
#include "pluginterfaces/gui/iplugview.h"

#include <cstdint>

namespace scuff_vst3 {

namespace {

using Steinberg::Linux::IRunLoop;
using Steinberg::Linux::ITimerHandler;
using Steinberg::Vst::IComponentHandler2;

// A copy that allocates a scratch buffer in every process call and frees the previous one.
class AllocatesInProcess : public Passthrough {
protected:
    void process_block(ProcessData& data) override {
        scratch_.renew();
        Passthrough::process_block(data);
    }

private:
    scuff_dsp::ScratchPerBlock scratch_;
};

// A copy whose first frame of every channel, in every block, is a denormal.
class Denormals : public Passthrough {
protected:
    void process_block(ProcessData& data) override {
        Passthrough::process_block(data);
        for (int32 c = 0; float* out = output(data, 0, c); ++c)
            denormal_.apply(out, static_cast<uint32_t>(data.numSamples));
    }

private:
    scuff_dsp::DenormalFirstFrame denormal_;
};

// The gain, whose component and controller take any state and keep the gain they had.
class ForgetsState : public Gain {
protected:
    bool load(IBStream* stream) override {
        drain(stream);
        return true;
    }

    tresult PLUGIN_API setComponentState(IBStream* stream) override {
        drain(stream);
        return kResultOk;
    }

private:
    static void drain(IBStream* stream) {
        char ignored[64];
        int32 read = 0;
        while (stream && stream->read(ignored, sizeof ignored, &read) == kResultOk && read > 0) {
        }
    }
};

// A copy that calls host functions of the UI thread from process: IComponentHandler::restartComponent
// and IComponentHandler2::setDirty in every block, and IRunLoop::registerTimer in the first.
class WrongThread : public Passthrough, public ITimerHandler {
public:
    tresult PLUGIN_API setComponentHandler(IComponentHandler* handler) override {
        handler2_.adopt(query<IComponentHandler2>(handler, Steinberg::Vst::IComponentHandler2_iid));
        return Passthrough::setComponentHandler(handler);
    }

    void PLUGIN_API onTimer() override {}

protected:
    void* interface(const TUID iid) {
        if (void* found = offer<ITimerHandler>(iid, Steinberg::Linux::ITimerHandler_iid, this))
            return found;
        return Passthrough::interface(iid);
    }

    bool on_initialize(FUnknown* context) override {
        run_loop_.adopt(query<IRunLoop>(context, Steinberg::Linux::IRunLoop_iid));
        return true;
    }

    void on_terminate() override {
        if (run_loop_ && timer_registered_)
            run_loop_->unregisterTimer(this);
        run_loop_.reset();
        handler2_.reset();
    }

    void process_block(ProcessData& data) override {
        if (IComponentHandler* host = handler())
            host->restartComponent(Steinberg::Vst::RestartFlags::kParamValuesChanged);
        if (handler2_)
            handler2_->setDirty(true);
        if (run_loop_ && !timer_asked_) {
            timer_asked_ = true;
            timer_registered_ = run_loop_->registerTimer(this, 10) == kResultOk;
        }
        Passthrough::process_block(data);
    }

private:
    Ref<IComponentHandler2> handler2_;
    Ref<IRunLoop> run_loop_;
    bool timer_asked_ = false;
    bool timer_registered_ = false;
};

// A copy that wobbles at random, differently in each instance.
class Nondeterministic : public Passthrough {
protected:
    void process_block(ProcessData& data) override {
        Passthrough::process_block(data);
        for (int32 c = 0; float* out = output(data, 0, c); ++c)
            wobble_.apply(out, static_cast<uint32_t>(data.numSamples));
    }

private:
    scuff_dsp::Wobble wobble_;
};

} // namespace

const ClassEntry allocates_in_process_class = {allocates_in_process_cid, kVstAudioEffectClass,
                                               "Test Allocates In Process", "Fx|Tools|Stereo",
                                               &create<AllocatesInProcess>};
const ClassEntry denormals_class = {denormals_cid, kVstAudioEffectClass, "Test Denormals", "Fx|Tools|Stereo",
                                    &create<Denormals>};
const ClassEntry forgets_state_class = {forgets_state_cid, kVstAudioEffectClass, "Test Forgets State",
                                        "Fx|Tools|Stereo", &create<ForgetsState>};
const ClassEntry wrong_thread_class = {wrong_thread_cid, kVstAudioEffectClass, "Test Wrong Thread",
                                       "Fx|Tools|Stereo", &create<WrongThread>};
const ClassEntry nondeterministic_class = {nondeterministic_cid, kVstAudioEffectClass, "Test Nondeterministic",
                                           "Fx|Tools|Stereo", &create<Nondeterministic>};

} // namespace scuff_vst3
