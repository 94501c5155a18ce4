#pragma once
// The few COM conventions a VST3 host needs, written against the SDK's pluginterfaces
// headers alone: interface ids are compared as the `*_iid` byte arrays the headers
// define, so no SDK source has to be compiled.
#include <cstring>
#include <memory>

#include "pluginterfaces/base/funknown.h"

namespace scuff::vst3 {

inline bool same_iid(const Steinberg::TUID a, const Steinberg::TUID b) {
    return std::memcmp(a, b, sizeof(Steinberg::TUID)) == 0;
}

// Releases an interface pointer the plugin handed out.
template <class Interface>
struct Releaser {
    void operator()(Interface* object) const { object->release(); }
};
template <class Interface>
using Owned = std::unique_ptr<Interface, Releaser<Interface>>;

// Queries `iid` from `object`; the result is released when it goes.
template <class Interface>
Owned<Interface> query(Steinberg::FUnknown* object, const Steinberg::TUID iid) {
    void* result = nullptr;
    if (!object || object->queryInterface(iid, &result) != Steinberg::kResultOk || !result) {
        return nullptr;
    }
    return Owned<Interface>(static_cast<Interface*>(result));
}

} // namespace scuff::vst3
