#pragma once

#include "com.hpp"
#include "params.hpp"

#include "pluginterfaces/vst/ivsteditcontroller.h"

#include <array>
#include <atomic>
#include <utility>

namespace scuff_vst3 {

using Steinberg::Vst::IComponentHandler;
using Steinberg::Vst::IEditController;

// IEditController over a fixed table of parameters, added to `Base`: a Component for a single-component
// plugin (which is then its own controller), or ControllerRoot for a separate controller class.
// Base provides initialize, terminate, initialized(), getState and setState; for a single component
// the IEditController state is the component state, as the two methods share one signature.
template <class Base>
class EditControllerOf : public Base, public IEditController {
public:
    static constexpr int32 max_params = 16;

    template <class... BaseArgs>
    EditControllerOf(const ParamSpec* specs, int32 count, BaseArgs&&... base_args)
        : Base(std::forward<BaseArgs>(base_args)...), specs_(specs), count_(std::min(count, max_params)) {
        for (int32 i = 0; i < count_; ++i)
            values_[i] = to_normalized(specs_[i], specs_[i].default_plain);
    }

    // IPluginBase, shared with Base.
    tresult PLUGIN_API initialize(FUnknown* context) override { return Base::initialize(context); }
    tresult PLUGIN_API terminate() override {
        const tresult result = Base::terminate();
        if (!Base::initialized())
            handler_.reset();
        return result;
    }
    tresult PLUGIN_API setState(IBStream* state) override { return Base::setState(state); }
    tresult PLUGIN_API getState(IBStream* state) override { return Base::getState(state); }

    // IEditController
    tresult PLUGIN_API setComponentState(IBStream*) override { return kResultOk; }
    int32 PLUGIN_API getParameterCount() override { return count_; }
    tresult PLUGIN_API getParameterInfo(int32 index, ParameterInfo& info) override {
        if (index < 0 || index >= count_)
            return kInvalidArgument;
        fill_info(specs_[index], info, title_of(specs_[index].id));
        return kResultOk;
    }
    tresult PLUGIN_API getParamStringByValue(ParamID id, ParamValue normalized,
                                             Steinberg::Vst::String128 text) override {
        const ParamSpec* spec = find(id);
        if (!spec || !text)
            return kInvalidArgument;
        return value_to_string(*spec, normalized, text) ? kResultOk : kResultFalse;
    }
    tresult PLUGIN_API getParamValueByString(ParamID id, Steinberg::Vst::TChar* text,
                                             ParamValue& normalized) override {
        const ParamSpec* spec = find(id);
        if (!spec || !text)
            return kInvalidArgument;
        return string_to_value(*spec, text, normalized) ? kResultOk : kResultFalse;
    }
    ParamValue PLUGIN_API normalizedParamToPlain(ParamID id, ParamValue normalized) override {
        const ParamSpec* spec = find(id);
        return spec ? to_plain(*spec, normalized) : normalized;
    }
    ParamValue PLUGIN_API plainParamToNormalized(ParamID id, ParamValue plain) override {
        const ParamSpec* spec = find(id);
        return spec ? to_normalized(*spec, plain) : plain;
    }
    ParamValue PLUGIN_API getParamNormalized(ParamID id) override {
        const int32 index = index_of(id);
        return index < 0 ? 0.0 : live_value(id, values_[index].load());
    }
    tresult PLUGIN_API setParamNormalized(ParamID id, ParamValue normalized) override {
        const int32 index = index_of(id);
        if (index < 0 || !std::isfinite(normalized))
            return kInvalidArgument;
        values_[index] = std::clamp(normalized, 0.0, 1.0);
        controller_changed(id, values_[index]);
        return kResultOk;
    }
    tresult PLUGIN_API setComponentHandler(IComponentHandler* handler) override {
        handler_.share(handler);
        return kResultOk;
    }
    Steinberg::IPlugView* PLUGIN_API createView(Steinberg::FIDString) override { return nullptr; }

protected:
    // A Component base answers FUnknown and IPluginBase itself; a ControllerRoot leaves them to here.
    void* interface(const TUID iid) {
        if (void* found = Base::interface(iid))
            return found;
        auto* controller = static_cast<IEditController*>(this);
        if (same_iid(iid, Steinberg::Vst::IEditController_iid))
            return controller;
        if (same_iid(iid, FUnknown_iid))
            return static_cast<FUnknown*>(controller);
        if (same_iid(iid, Steinberg::IPluginBase_iid))
            return static_cast<Steinberg::IPluginBase*>(controller);
        return nullptr;
    }

    // A renamed parameter's title, or null for the spec's.
    virtual const char* title_of(ParamID) { return nullptr; }
    // What getParamNormalized answers; plugins with live read-only values override it.
    virtual ParamValue live_value(ParamID, ParamValue stored) { return stored; }
    // After the host set a value through setParamNormalized.
    virtual void controller_changed(ParamID, ParamValue) {}

    // The value the controller shows, as the component state or the plugin itself changed it.
    void set_value(ParamID id, ParamValue normalized) {
        const int32 index = index_of(id);
        if (index >= 0)
            values_[index] = std::clamp(normalized, 0.0, 1.0);
    }
    ParamValue value(ParamID id) const {
        const int32 index = index_of(id);
        return index < 0 ? 0.0 : values_[index].load();
    }

    const ParamSpec* find(ParamID id) const {
        const int32 index = index_of(id);
        return index < 0 ? nullptr : &specs_[index];
    }

    IComponentHandler* handler() const { return handler_.get(); }

private:
    int32 index_of(ParamID id) const {
        for (int32 i = 0; i < count_; ++i)
            if (specs_[i].id == id)
                return i;
        return -1;
    }

    const ParamSpec* const specs_;
    const int32 count_;
    std::array<std::atomic<double>, max_params> values_{};
    Ref<IComponentHandler> handler_;
};

} // namespace scuff_vst3
