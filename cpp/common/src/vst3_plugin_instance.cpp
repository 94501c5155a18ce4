#include "scuff/vst3_plugin_instance.hpp"

namespace scuff {

using namespace Steinberg;
using vst3::Owned;
using vst3::query;
using vst3::same_iid;

namespace {

// A component without a separate controller class answers with an all-zero class id.
constexpr TUID kNoClass{};

// An object of `class_id` as `Interface`, initialised with `context`; one whose initialize
// fails is released without terminate, as the SDK's hosting does.
template <class Interface>
Owned<Interface> create_initialised(IPluginFactory& factory, const TUID class_id, const TUID iid, FUnknown* context,
                                    const std::string& what) {
    void* object = nullptr;
    if (factory.createInstance(class_id, iid, &object) != kResultOk || !object) {
        throw Vst3InstanceError("the factory could not create " + what);
    }
    Owned<Interface> created(static_cast<Interface*>(object));
    if (created->initialize(context) != kResultOk) {
        throw Vst3InstanceError(what + " failed to initialise");
    }
    return created;
}

} // namespace

Vst3PluginInstance::Vst3PluginInstance(IPluginFactory& factory, const TUID class_id, FUnknown* host_context,
                                       std::string name)
    : factory_(factory), host_context_(host_context), name_(std::move(name)) {
    component_ = create_initialised<Vst::IComponent>(factory_, class_id, Vst::IComponent_iid, host_context_, name_);
}

bool Vst3PluginInstance::open_controller() {
    if (controller_) {
        return true;
    }
    if ((controller_ = query<Vst::IEditController>(component_.get(), Vst::IEditController_iid))) {
        return true;
    }
    TUID controller_class{};
    if (component_->getControllerClassId(controller_class) != kResultOk || same_iid(controller_class, kNoClass)) {
        return false;
    }
    controller_ = create_initialised<Vst::IEditController>(factory_, controller_class, Vst::IEditController_iid,
                                                           host_context_, "the controller of " + name_);
    separate_controller_ = true;
    component_connection_ = query<Vst::IConnectionPoint>(component_.get(), Vst::IConnectionPoint_iid);
    controller_connection_ = query<Vst::IConnectionPoint>(controller_.get(), Vst::IConnectionPoint_iid);
    if (component_connection_ && controller_connection_) {
        component_connection_->connect(controller_connection_.get());
        controller_connection_->connect(component_connection_.get());
    }
    return true;
}

void Vst3PluginInstance::set_component_handler(Vst::IComponentHandler* handler) {
    if (controller_) {
        controller_->setComponentHandler(handler);
        handler_set_ = handler != nullptr;
    }
}

Vst3PluginInstance::~Vst3PluginInstance() {
    if (handler_set_) {
        controller_->setComponentHandler(nullptr);
    }
    if (component_connection_ && controller_connection_) {
        component_connection_->disconnect(controller_connection_.get());
        controller_connection_->disconnect(component_connection_.get());
    }
    component_connection_.reset();
    controller_connection_.reset();
    // A controller that is the component itself is terminated with it.
    if (separate_controller_) {
        controller_->terminate();
    }
    controller_.reset();
    component_->terminate();
}

} // namespace scuff
