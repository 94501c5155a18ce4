#include "vst3/message.hpp"

#include <algorithm>
#include <cstring>

#include "scuff/vst3_com.hpp"

namespace scuff::sbox {

using namespace Steinberg;
using vst3::same_iid;

tresult PLUGIN_API Vst3AttributeList::queryInterface(const TUID iid, void** object) {
    if (same_iid(iid, FUnknown_iid) || same_iid(iid, Vst::IAttributeList_iid)) {
        addRef();
        *object = static_cast<Vst::IAttributeList*>(this);
        return kResultOk;
    }
    *object = nullptr;
    return kNoInterface;
}

template <class T>
const T* Vst3AttributeList::find(AttrID id) const {
    if (!id) return nullptr;
    auto found = values_.find(id);
    return found == values_.end() ? nullptr : std::get_if<T>(&found->second);
}

tresult PLUGIN_API Vst3AttributeList::setInt(AttrID id, int64 value) {
    if (!id) return kInvalidArgument;
    values_[id] = value;
    return kResultOk;
}

tresult PLUGIN_API Vst3AttributeList::getInt(AttrID id, int64& value) {
    const auto* found = find<int64>(id);
    if (!found) return kResultFalse;
    value = *found;
    return kResultOk;
}

tresult PLUGIN_API Vst3AttributeList::setFloat(AttrID id, double value) {
    if (!id) return kInvalidArgument;
    values_[id] = value;
    return kResultOk;
}

tresult PLUGIN_API Vst3AttributeList::getFloat(AttrID id, double& value) {
    const auto* found = find<double>(id);
    if (!found) return kResultFalse;
    value = *found;
    return kResultOk;
}

tresult PLUGIN_API Vst3AttributeList::setString(AttrID id, const Vst::TChar* string) {
    if (!id || !string) return kInvalidArgument;
    std::u16string text;
    for (size_t i = 0; string[i] != 0 && i < (1u << 20); ++i) {
        text += static_cast<char16_t>(string[i]);
    }
    values_[id] = std::move(text);
    return kResultOk;
}

tresult PLUGIN_API Vst3AttributeList::getString(AttrID id, Vst::TChar* string, uint32 size_in_bytes) {
    const auto* found = find<std::u16string>(id);
    uint32 capacity = size_in_bytes / sizeof(Vst::TChar);
    if (!found || !string || capacity == 0) return kResultFalse;
    size_t count = std::min<size_t>(found->size(), capacity - 1);
    std::memcpy(string, found->data(), count * sizeof(Vst::TChar));
    string[count] = 0;
    return kResultOk;
}

tresult PLUGIN_API Vst3AttributeList::setBinary(AttrID id, const void* data, uint32 size_in_bytes) {
    if (!id || (!data && size_in_bytes > 0)) return kInvalidArgument;
    const auto* bytes = static_cast<const uint8_t*>(data);
    values_[id] = std::vector<uint8_t>(bytes, bytes + size_in_bytes);
    return kResultOk;
}

tresult PLUGIN_API Vst3AttributeList::getBinary(AttrID id, const void*& data, uint32& size_in_bytes) {
    const auto* found = find<std::vector<uint8_t>>(id);
    if (!found) return kResultFalse;
    data = found->data();
    size_in_bytes = static_cast<uint32>(found->size());
    return kResultOk;
}

Vst3Message::Vst3Message() : attributes_(new Vst3AttributeList()) {}

Vst3Message::~Vst3Message() {
    attributes_->release();
}

tresult PLUGIN_API Vst3Message::queryInterface(const TUID iid, void** object) {
    if (same_iid(iid, FUnknown_iid) || same_iid(iid, Vst::IMessage_iid)) {
        addRef();
        *object = static_cast<Vst::IMessage*>(this);
        return kResultOk;
    }
    *object = nullptr;
    return kNoInterface;
}

} // namespace scuff::sbox
