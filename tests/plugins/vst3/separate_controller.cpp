#include "class_ids.hpp"
#include "classes.hpp"
#include "component.hpp"
#include "connection.hpp"
#include "controller_root.hpp"
#include "edit_controller.hpp"
#include "gain_dsp.hpp"

namespace scuff_vst3 {

namespace {

// The gain with its controller in a class of its own, as most commercial VST3 plugins are built.
class SeparateGainComponent : public Component, public Connection {
public:
    SeparateGainComponent() : Component(separate_controller_controller_cid, main_bus(2), main_bus(2)) {}

protected:
    void* interface(const TUID iid) {
        if (void* found = offer<IConnectionPoint>(iid, Steinberg::Vst::IConnectionPoint_iid, this))
            return found;
        return Component::interface(iid);
    }

    void on_terminate() override { drop_peer(); }
    void process_block(ProcessData& data) override { dsp_.process(data); }
    bool save(IBStream* stream) override { return dsp_.save(stream); }
    bool load(IBStream* stream) override { return dsp_.load(stream); }

private:
    GainDsp dsp_;
};

// Shows the component's gain, which it learns from the component state the host passes on.
class SeparateGainController : public EditControllerOf<ControllerRoot> {
public:
    SeparateGainController() : EditControllerOf(&GainDsp::spec, 1) {}

    tresult PLUGIN_API setComponentState(IBStream* stream) override {
        double db;
        if (!GainDsp::read(stream, db))
            return kResultFalse;
        set_value(GainDsp::param_id, to_normalized(GainDsp::spec, db));
        return kResultOk;
    }
};

} // namespace

const ClassEntry separate_controller_class = {separate_controller_cid, kVstAudioEffectClass,
                                              "Test Gain Separate Controller", "Fx|Tools|Stereo",
                                              &create<SeparateGainComponent>};

const ClassEntry separate_controller_controller_class = {
    separate_controller_controller_cid, kVstComponentControllerClass, "Test Gain Separate Controller Controller", "",
    &create<SeparateGainController>};

} // namespace scuff_vst3
