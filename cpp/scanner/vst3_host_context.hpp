#pragma once
// The least a VST3 host can be while it instantiates plugins only to ask about their
// buses, parameters and editor: an IHostApplication that gives its name and creates
// nothing. Plugins receive it as the context of IPluginBase::initialize and
// IPluginFactory3::setHostContext.
#include "pluginterfaces/vst/ivsthostapplication.h"

namespace scuff::scan {

class Vst3HostContext final : public Steinberg::Vst::IHostApplication {
public:
    // One object serves every plugin of the scan and outlives them all, so a plugin
    // that releases its reference late still finds it; reference counts are ignored.
    static Vst3HostContext& instance();

    Steinberg::tresult PLUGIN_API queryInterface(const Steinberg::TUID iid, void** object) override;
    Steinberg::uint32 PLUGIN_API addRef() override { return 1; }
    Steinberg::uint32 PLUGIN_API release() override { return 1; }

    Steinberg::tresult PLUGIN_API getName(Steinberg::Vst::String128 name) override;
    Steinberg::tresult PLUGIN_API createInstance(Steinberg::TUID class_id, Steinberg::TUID iid,
                                                 void** object) override;

private:
    Vst3HostContext() = default;
};

} // namespace scuff::scan
