#pragma once
// One instance of a VST3 plugin class, owned from creation to release, as the VST3 SDK's
// hosting helpers (PlugProvider) keep one: the component, created by the factory and
// initialised with the host's context, then its edit controller, which is the component
// itself or an object of the controller class the component names, initialised with the
// same context and connected to the component through IConnectionPoint. Each step has its
// own error; going, the instance undoes them in reverse: the component handler taken back,
// the two halves disconnected, the controller terminated, then the component, each released.
// Used by the sandbox to host a plugin and by the scanner to read one.
#include <stdexcept>
#include <string>

#include "pluginterfaces/base/ipluginbase.h"
#include "pluginterfaces/vst/ivstcomponent.h"
#include "pluginterfaces/vst/ivsteditcontroller.h"
#include "pluginterfaces/vst/ivstmessage.h"
#include "scuff/vst3_com.hpp"

namespace scuff {

class Vst3InstanceError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Vst3PluginInstance {
public:
    // Creates and initialises the component of `class_id`; `name` names the plugin in errors.
    // `host_context` must outlive the instance. Throws Vst3InstanceError.
    Vst3PluginInstance(Steinberg::IPluginFactory& factory, const Steinberg::TUID class_id,
                       Steinberg::FUnknown* host_context, std::string name);
    ~Vst3PluginInstance();
    Vst3PluginInstance(const Vst3PluginInstance&) = delete;
    Vst3PluginInstance& operator=(const Vst3PluginInstance&) = delete;

    // Finds, or creates, initialises and connects, the edit controller. False when the plugin
    // has none (a component that is no controller and names no controller class). Throws
    // Vst3InstanceError.
    bool open_controller();
    // Gives the controller the host's IComponentHandler, taken back before it is terminated.
    void set_component_handler(Steinberg::Vst::IComponentHandler* handler);

    Steinberg::Vst::IComponent& component() const { return *component_; }
    // Null before open_controller, or when the plugin has none.
    Steinberg::Vst::IEditController* controller() const { return controller_.get(); }
    // The controller is an object of its own, which the host tells the component's state.
    bool separate_controller() const { return separate_controller_; }

private:
    Steinberg::IPluginFactory& factory_;
    Steinberg::FUnknown* host_context_;
    std::string name_;
    // Declared in creation order, so that the references go in reverse.
    vst3::Owned<Steinberg::Vst::IComponent> component_;
    vst3::Owned<Steinberg::Vst::IEditController> controller_;
    bool separate_controller_ = false;
    vst3::Owned<Steinberg::Vst::IConnectionPoint> component_connection_;
    vst3::Owned<Steinberg::Vst::IConnectionPoint> controller_connection_;
    bool handler_set_ = false;
};

} // namespace scuff
