#pragma once
// What a VST3 factory says about its classes, from the richest class info it offers
// (PClassInfoW, else PClassInfo2, else PClassInfo).
#include <string>

#include "pluginterfaces/base/ipluginbase.h"
#include "scuff/vst3_com.hpp"

namespace scuff::vst3 {

struct ClassInfo {
    Steinberg::TUID cid{};
    std::string category;
    std::string name;
    std::string vendor;
    std::string version;
    std::string sub_categories;
};

class ClassReader {
public:
    // Steinberg's hosts hand the factory their context before creating anything, so the
    // reader does too when the factory takes one.
    ClassReader(Steinberg::IPluginFactory& factory, Steinberg::FUnknown* host_context);

    Steinberg::int32 count() const { return factory_.countClasses(); }
    bool read(Steinberg::int32 index, ClassInfo& info) const;

private:
    Steinberg::IPluginFactory& factory_;
    Owned<Steinberg::IPluginFactory2> factory2_;
    Owned<Steinberg::IPluginFactory3> factory3_;
};

} // namespace scuff::vst3
