#include "scuff/vst3_classes.hpp"

#include <cstring>

#include "scuff/vst3_text.hpp"

namespace scuff::vst3 {

using namespace Steinberg;

namespace {

// PClassInfoW and PClassInfo2 name their fields alike; only the character type differs.
template <class Raw>
void copy_full_info(const Raw& raw, ClassInfo& info) {
    std::memcpy(info.cid, raw.cid, sizeof(TUID));
    info.category = text(raw.category);
    info.name = text(raw.name);
    info.vendor = text(raw.vendor);
    info.version = text(raw.version);
    info.sub_categories = text(raw.subCategories);
}

} // namespace

ClassReader::ClassReader(IPluginFactory& factory, FUnknown* host_context) : factory_(factory) {
    factory2_ = query<IPluginFactory2>(&factory, IPluginFactory2_iid);
    factory3_ = query<IPluginFactory3>(&factory, IPluginFactory3_iid);
    if (factory3_ && host_context) {
        factory3_->setHostContext(host_context);
    }
}

bool ClassReader::read(int32 index, ClassInfo& info) const {
    PClassInfoW unicode;
    if (factory3_ && factory3_->getClassInfoUnicode(index, &unicode) == kResultOk) {
        copy_full_info(unicode, info);
        return true;
    }
    PClassInfo2 extended;
    if (factory2_ && factory2_->getClassInfo2(index, &extended) == kResultOk) {
        copy_full_info(extended, info);
        return true;
    }
    PClassInfo raw;
    if (factory_.getClassInfo(index, &raw) != kResultOk) {
        return false;
    }
    std::memcpy(info.cid, raw.cid, sizeof(TUID));
    info.category = text(raw.category);
    info.name = text(raw.name);
    return true;
}

} // namespace scuff::vst3
