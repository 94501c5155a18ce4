#pragma once
// What a VST3 device's plugin sees of its host: one object per device that is the
// context given to initialize (IHostApplication, which also offers the Linux IRunLoop
// that plugins ask for timers and descriptors), the controller's IComponentHandler and
// the editor's IPlugFrame (of which plugins ask the IRunLoop too).
// Each call is a thin trampoline to the device; after the device is gone (a plugin may
// keep a reference longer) the calls do nothing. A call made from another thread than its
// rule allows is reported by the device (core/thread_rules.hpp), its rule's source beside it.
#include <memory>

#include "pluginterfaces/gui/iplugview.h"
#include "pluginterfaces/vst/ivsteditcontroller.h"
#include "pluginterfaces/vst/ivsthostapplication.h"
#include "vst3/ref_count.hpp"

namespace scuff::sbox {

// What the host object asks of its device.
class Vst3HostEvents {
public:
    virtual ~Vst3HostEvents() = default;
    // Whether the caller is on the main thread, VST3's UI thread; if not, reports `call`.
    virtual bool on_main_thread(const char* call) = 0;
    virtual void begin_edit(Steinberg::Vst::ParamID id) = 0;
    virtual void perform_edit(Steinberg::Vst::ParamID id, Steinberg::Vst::ParamValue normalized) = 0;
    virtual void end_edit(Steinberg::Vst::ParamID id) = 0;
    virtual void restart_component(Steinberg::int32 flags) = 0;
    virtual void set_dirty() = 0;
    virtual bool register_timer(Steinberg::Linux::ITimerHandler* handler, Steinberg::uint64 milliseconds) = 0;
    virtual bool unregister_timer(Steinberg::Linux::ITimerHandler* handler) = 0;
    virtual bool register_fd(Steinberg::Linux::IEventHandler* handler, int fd) = 0;
    virtual bool unregister_fd(Steinberg::Linux::IEventHandler* handler) = 0;
    virtual bool resize_view(Steinberg::IPlugView* view, Steinberg::ViewRect* size) = 0;
};

class Vst3Host final : public Steinberg::Vst::IHostApplication,
                       public Steinberg::Vst::IComponentHandler,
                       public Steinberg::Vst::IComponentHandler2,
                       public Steinberg::Linux::IRunLoop,
                       public Steinberg::IPlugFrame {
public:
    explicit Vst3Host(Vst3HostEvents& device) : device_(&device) {}
    // The device is going away: later calls from the plugin are ignored.
    void detach() { device_ = nullptr; }

    Steinberg::tresult PLUGIN_API queryInterface(const Steinberg::TUID iid, void** object) override;
    SCUFF_VST3_REFCOUNT

    // --- IHostApplication ---
    Steinberg::tresult PLUGIN_API getName(Steinberg::Vst::String128 name) override;
    Steinberg::tresult PLUGIN_API createInstance(Steinberg::TUID class_id, Steinberg::TUID iid,
                                                 void** object) override;

    // --- IComponentHandler ---
    Steinberg::tresult PLUGIN_API beginEdit(Steinberg::Vst::ParamID id) override;
    Steinberg::tresult PLUGIN_API performEdit(Steinberg::Vst::ParamID id, Steinberg::Vst::ParamValue value) override;
    Steinberg::tresult PLUGIN_API endEdit(Steinberg::Vst::ParamID id) override;
    Steinberg::tresult PLUGIN_API restartComponent(Steinberg::int32 flags) override;

    // --- IComponentHandler2 ---
    Steinberg::tresult PLUGIN_API setDirty(Steinberg::TBool state) override;
    Steinberg::tresult PLUGIN_API requestOpenEditor(Steinberg::FIDString name) override;
    Steinberg::tresult PLUGIN_API startGroupEdit() override;
    Steinberg::tresult PLUGIN_API finishGroupEdit() override;

    // --- Linux::IRunLoop ---
    Steinberg::tresult PLUGIN_API registerEventHandler(Steinberg::Linux::IEventHandler* handler,
                                                       Steinberg::Linux::FileDescriptor fd) override;
    Steinberg::tresult PLUGIN_API unregisterEventHandler(Steinberg::Linux::IEventHandler* handler) override;
    Steinberg::tresult PLUGIN_API registerTimer(Steinberg::Linux::ITimerHandler* handler,
                                                Steinberg::Linux::TimerInterval milliseconds) override;
    Steinberg::tresult PLUGIN_API unregisterTimer(Steinberg::Linux::ITimerHandler* handler) override;

    // --- IPlugFrame: the editor's frame, which also answers for IRunLoop ---
    Steinberg::tresult PLUGIN_API resizeView(Steinberg::IPlugView* view, Steinberg::ViewRect* newSize) override;

private:
    // Whether a call from the plugin keeps its thread rule: on the main thread; else the device reports it.
    bool on_main_thread(const char* call) { return !device_ || device_->on_main_thread(call); }

    Vst3HostEvents* device_;
};

// Owns the device's reference to its host object; detaches the object first, since the plugin
// may hold a reference of its own longer.
struct Vst3HostDetacher {
    void operator()(Vst3Host* host) const {
        host->detach();
        host->release();
    }
};
using Vst3HostRef = std::unique_ptr<Vst3Host, Vst3HostDetacher>;

} // namespace scuff::sbox
