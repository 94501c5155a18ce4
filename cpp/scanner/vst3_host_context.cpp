#include "vst3_host_context.hpp"

#include "scuff/vst3_com.hpp"

namespace scuff::scan {

using vst3::same_iid;

Vst3HostContext& Vst3HostContext::instance() {
    static Vst3HostContext context;
    return context;
}

Steinberg::tresult PLUGIN_API Vst3HostContext::queryInterface(const Steinberg::TUID iid,
                                                              void** object) {
    if (!object) {
        return Steinberg::kInvalidArgument;
    }
    if (same_iid(iid, Steinberg::FUnknown_iid) ||
        same_iid(iid, Steinberg::Vst::IHostApplication_iid)) {
        *object = static_cast<Steinberg::Vst::IHostApplication*>(this);
        return Steinberg::kResultOk;
    }
    *object = nullptr;
    return Steinberg::kNoInterface;
}

Steinberg::tresult PLUGIN_API Vst3HostContext::getName(Steinberg::Vst::String128 name) {
    if (!name) {
        return Steinberg::kInvalidArgument;
    }
    constexpr char kName[] = "scuff-scan";
    for (size_t i = 0; i < sizeof(kName); ++i) {
        name[i] = static_cast<Steinberg::Vst::TChar>(kName[i]);
    }
    return Steinberg::kResultOk;
}

// Messages and attribute lists are for talking to a running plugin; a scan never does.
Steinberg::tresult PLUGIN_API Vst3HostContext::createInstance(Steinberg::TUID, Steinberg::TUID,
                                                              void** object) {
    if (object) {
        *object = nullptr;
    }
    return Steinberg::kResultFalse;
}

} // namespace scuff::scan
