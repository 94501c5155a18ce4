#pragma once

#include "com.hpp"

#include "pluginterfaces/base/ipluginbase.h"

namespace scuff_vst3 {

// One class a factory lists, and how it makes one.
struct ClassEntry {
    const int8* cid;
    // kVstAudioEffectClass or kVstComponentControllerClass.
    const char* category;
    const char* name;
    // VST3 subcategories, '|'-separated; empty for a controller class.
    const char* sub_categories;
    // A new object holding one reference, which the factory hands on.
    FUnknown* (*create)();
};

// Asks the object itself for FUnknown: a single component has several FUnknown bases to pick from.
template <class T>
FUnknown* create() {
    auto* object = new Com<T>;
    void* unknown = nullptr;
    object->queryInterface(FUnknown_iid, &unknown);
    object->release();
    return static_cast<FUnknown*>(unknown);
}

// The factory GetPluginFactory returns: a new object per call, released by the host when done.
IPluginFactory* make_factory(const ClassEntry* const* classes, int32 count);

} // namespace scuff_vst3
