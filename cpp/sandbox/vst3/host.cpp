#include "vst3/host.hpp"

#include "scuff/vst3_com.hpp"
#include "scuff/vst3_text.hpp"
#include "vst3/message.hpp"

namespace scuff::sbox {

using namespace Steinberg;
using vst3::same_iid;

namespace {
tresult result(bool ok) {
    return ok ? kResultOk : kResultFalse;
}
} // namespace

tresult PLUGIN_API Vst3Host::queryInterface(const TUID iid, void** object) {
    if (!object) {
        return kInvalidArgument;
    }
    if (same_iid(iid, FUnknown_iid) || same_iid(iid, Vst::IHostApplication_iid)) {
        *object = static_cast<Vst::IHostApplication*>(this);
    } else if (same_iid(iid, Vst::IComponentHandler_iid)) {
        *object = static_cast<Vst::IComponentHandler*>(this);
    } else if (same_iid(iid, Vst::IComponentHandler2_iid)) {
        *object = static_cast<Vst::IComponentHandler2*>(this);
    } else if (same_iid(iid, Linux::IRunLoop_iid)) {
        *object = static_cast<Linux::IRunLoop*>(this);
    } else if (same_iid(iid, IPlugFrame_iid)) {
        *object = static_cast<IPlugFrame*>(this);
    } else {
        *object = nullptr;
        return kNoInterface;
    }
    addRef();
    return kResultOk;
}

// --- IHostApplication ---

tresult PLUGIN_API Vst3Host::getName(Vst::String128 name) {
    if (!name) {
        return kInvalidArgument;
    }
    vst3::copy_utf16("scuff", name, 128);
    return kResultOk;
}

tresult PLUGIN_API Vst3Host::createInstance(TUID class_id, TUID iid, void** object) {
    if (!object) {
        return kInvalidArgument;
    }
    *object = nullptr;
    if (same_iid(class_id, Vst::IMessage_iid) && same_iid(iid, Vst::IMessage_iid)) {
        *object = static_cast<Vst::IMessage*>(new Vst3Message());
        return kResultOk;
    }
    if (same_iid(class_id, Vst::IAttributeList_iid) && same_iid(iid, Vst::IAttributeList_iid)) {
        *object = static_cast<Vst::IAttributeList*>(new Vst3AttributeList());
        return kResultOk;
    }
    return kResultFalse;
}

// --- IComponentHandler ---
// "This must be called in the UI-Thread context!" (pluginterfaces/vst/ivsteditcontroller.h, each of
// the four). The calls keep working from another thread: they only queue edits and raise flags.

tresult PLUGIN_API Vst3Host::beginEdit(Vst::ParamID id) {
    on_main_thread("IComponentHandler::beginEdit");
    if (device_) device_->begin_edit(id);
    return result(device_ != nullptr);
}

tresult PLUGIN_API Vst3Host::performEdit(Vst::ParamID id, Vst::ParamValue value) {
    on_main_thread("IComponentHandler::performEdit");
    if (device_) device_->perform_edit(id, value);
    return result(device_ != nullptr);
}

tresult PLUGIN_API Vst3Host::endEdit(Vst::ParamID id) {
    on_main_thread("IComponentHandler::endEdit");
    if (device_) device_->end_edit(id);
    return result(device_ != nullptr);
}

tresult PLUGIN_API Vst3Host::restartComponent(int32 flags) {
    on_main_thread("IComponentHandler::restartComponent");
    if (device_) device_->restart_component(flags);
    return result(device_ != nullptr);
}

// --- IComponentHandler2 ---
// The controller's calls to its host, IComponentHandler2's among them, are on the UI thread (VST 3
// developer portal, Workflow Diagrams, "Edit Controller Call Sequence").

tresult PLUGIN_API Vst3Host::setDirty(TBool state) {
    on_main_thread("IComponentHandler2::setDirty");
    if (device_ && state) device_->set_dirty();
    return result(device_ != nullptr);
}

tresult PLUGIN_API Vst3Host::requestOpenEditor(FIDString) {
    on_main_thread("IComponentHandler2::requestOpenEditor");
    // Editors open when the client asks for them, never on the plugin's initiative.
    return kResultFalse;
}

tresult PLUGIN_API Vst3Host::startGroupEdit() {
    on_main_thread("IComponentHandler2::startGroupEdit");
    return kResultOk;
}

tresult PLUGIN_API Vst3Host::finishGroupEdit() {
    on_main_thread("IComponentHandler2::finishGroupEdit");
    return kResultOk;
}

// --- Linux::IRunLoop: served by the sandbox's main loop ---
// The host's UI event loop on Linux, "[extends IPlugFrame]" (pluginterfaces/gui/iplugview.h): its
// calls belong to the UI thread. The main loop's timers and descriptors are its own, so a call from
// another thread is refused.

tresult PLUGIN_API Vst3Host::registerEventHandler(Linux::IEventHandler* handler, Linux::FileDescriptor fd) {
    if (!on_main_thread("IRunLoop::registerEventHandler")) return kResultFalse;
    if (!handler || fd < 0) return kInvalidArgument;
    return result(device_ && device_->register_fd(handler, fd));
}

tresult PLUGIN_API Vst3Host::unregisterEventHandler(Linux::IEventHandler* handler) {
    if (!on_main_thread("IRunLoop::unregisterEventHandler")) return kResultFalse;
    return result(device_ && handler && device_->unregister_fd(handler));
}

tresult PLUGIN_API Vst3Host::registerTimer(Linux::ITimerHandler* handler, Linux::TimerInterval milliseconds) {
    if (!on_main_thread("IRunLoop::registerTimer")) return kResultFalse;
    if (!handler) return kInvalidArgument;
    return result(device_ && device_->register_timer(handler, milliseconds));
}

tresult PLUGIN_API Vst3Host::unregisterTimer(Linux::ITimerHandler* handler) {
    if (!on_main_thread("IRunLoop::unregisterTimer")) return kResultFalse;
    return result(device_ && handler && device_->unregister_timer(handler));
}

// --- IPlugFrame ---
// The view asks from its UI, and the host answers inside the call with IPlugView::onSize (VST 3
// developer portal, Workflow Diagrams, "Resize View Call Sequence"); the editor windows belong to
// the main thread, so a request from another thread is refused.

tresult PLUGIN_API Vst3Host::resizeView(IPlugView* view, ViewRect* newSize) {
    if (!on_main_thread("IPlugFrame::resizeView")) return kResultFalse;
    if (!view || !newSize) return kInvalidArgument;
    return result(device_ && device_->resize_view(view, newSize));
}

} // namespace scuff::sbox
