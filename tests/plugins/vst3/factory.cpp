#include "factory.hpp"

#include "text16.hpp"

#include "pluginterfaces/vst/vsttypes.h"

#include <cstring>

namespace scuff_vst3 {

namespace {

constexpr char vendor[] = "scuff";
constexpr char version[] = "1.0.0";

class Factory : public Steinberg::IPluginFactory3 {
public:
    Factory(const ClassEntry* const* classes, int32 count) : classes_(classes), count_(count) {}

    tresult PLUGIN_API getFactoryInfo(Steinberg::PFactoryInfo* info) override {
        if (!info)
            return kInvalidArgument;
        *info = Steinberg::PFactoryInfo{};
        copy8(info->vendor, vendor);
        info->flags = Steinberg::PFactoryInfo::kUnicode;
        return kResultOk;
    }

    int32 PLUGIN_API countClasses() override { return count_; }

    tresult PLUGIN_API getClassInfo(int32 index, Steinberg::PClassInfo* info) override {
        const ClassEntry* entry = at(index);
        if (!entry || !info)
            return kInvalidArgument;
        *info = Steinberg::PClassInfo{};
        fill_common(*entry, *info);
        copy8(info->name, entry->name);
        return kResultOk;
    }

    tresult PLUGIN_API getClassInfo2(int32 index, Steinberg::PClassInfo2* info) override {
        const ClassEntry* entry = at(index);
        if (!entry || !info)
            return kInvalidArgument;
        *info = Steinberg::PClassInfo2{};
        fill_common(*entry, *info);
        copy8(info->name, entry->name);
        copy8(info->subCategories, entry->sub_categories);
        copy8(info->vendor, vendor);
        copy8(info->version, version);
        copy8(info->sdkVersion, kVstVersionString);
        return kResultOk;
    }

    tresult PLUGIN_API getClassInfoUnicode(int32 index, Steinberg::PClassInfoW* info) override {
        const ClassEntry* entry = at(index);
        if (!entry || !info)
            return kInvalidArgument;
        *info = Steinberg::PClassInfoW{};
        fill_common(*entry, *info);
        copy16(info->name, entry->name);
        copy8(info->subCategories, entry->sub_categories);
        copy16(info->vendor, vendor);
        copy16(info->version, version);
        copy16(info->sdkVersion, kVstVersionString);
        return kResultOk;
    }

    tresult PLUGIN_API createInstance(Steinberg::FIDString cid, Steinberg::FIDString iid, void** object) override {
        if (!object)
            return kInvalidArgument;
        *object = nullptr;
        if (!cid || !iid)
            return kInvalidArgument;
        for (int32 i = 0; i < count_; ++i) {
            if (!same_iid(classes_[i]->cid, cid))
                continue;
            FUnknown* created = classes_[i]->create();
            // The query takes its own reference for the host; the creation reference goes either way.
            const tresult result = created->queryInterface(iid, object);
            created->release();
            return result == kResultOk ? kResultOk : kNoInterface;
        }
        return kResultFalse;
    }

    // Nothing here needs the host: classes get their context at initialize.
    tresult PLUGIN_API setHostContext(FUnknown*) override { return kResultOk; }

protected:
    void* interface(const TUID iid) {
        auto* factory = static_cast<Steinberg::IPluginFactory3*>(this);
        if (same_iid(iid, FUnknown_iid))
            return static_cast<FUnknown*>(factory);
        if (same_iid(iid, Steinberg::IPluginFactory_iid))
            return static_cast<Steinberg::IPluginFactory*>(factory);
        if (same_iid(iid, Steinberg::IPluginFactory2_iid))
            return static_cast<Steinberg::IPluginFactory2*>(factory);
        if (same_iid(iid, Steinberg::IPluginFactory3_iid))
            return factory;
        return nullptr;
    }

private:
    const ClassEntry* at(int32 index) const { return index >= 0 && index < count_ ? classes_[index] : nullptr; }

    template <class Info>
    static void fill_common(const ClassEntry& entry, Info& info) {
        std::memcpy(info.cid, entry.cid, sizeof(TUID));
        info.cardinality = Steinberg::PClassInfo::kManyInstances;
        copy8(info.category, entry.category);
    }

    const ClassEntry* const* const classes_;
    const int32 count_;
};

} // namespace

IPluginFactory* make_factory(const ClassEntry* const* classes, int32 count) {
    return new Com<Factory>(classes, count);
}

} // namespace scuff_vst3
