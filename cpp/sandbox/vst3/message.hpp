#pragma once
// The message and attribute-list objects a VST3 plugin creates through
// IHostApplication::createInstance, to talk between its component and its controller.
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "pluginterfaces/vst/ivstattributes.h"
#include "pluginterfaces/vst/ivstmessage.h"
#include "vst3/ref_count.hpp"

namespace scuff::sbox {

class Vst3AttributeList final : public Steinberg::Vst::IAttributeList {
public:
    Steinberg::tresult PLUGIN_API queryInterface(const Steinberg::TUID iid, void** object) override;
    SCUFF_VST3_REFCOUNT

    Steinberg::tresult PLUGIN_API setInt(AttrID id, Steinberg::int64 value) override;
    Steinberg::tresult PLUGIN_API getInt(AttrID id, Steinberg::int64& value) override;
    Steinberg::tresult PLUGIN_API setFloat(AttrID id, double value) override;
    Steinberg::tresult PLUGIN_API getFloat(AttrID id, double& value) override;
    Steinberg::tresult PLUGIN_API setString(AttrID id, const Steinberg::Vst::TChar* string) override;
    Steinberg::tresult PLUGIN_API getString(AttrID id, Steinberg::Vst::TChar* string,
                                            Steinberg::uint32 size_in_bytes) override;
    Steinberg::tresult PLUGIN_API setBinary(AttrID id, const void* data, Steinberg::uint32 size_in_bytes) override;
    Steinberg::tresult PLUGIN_API getBinary(AttrID id, const void*& data, Steinberg::uint32& size_in_bytes) override;

private:
    using Value = std::variant<Steinberg::int64, double, std::u16string, std::vector<uint8_t>>;
    template <class T>
    const T* find(AttrID id) const;

    std::map<std::string, Value> values_;
};

class Vst3Message final : public Steinberg::Vst::IMessage {
public:
    Vst3Message();
    ~Vst3Message();

    Steinberg::tresult PLUGIN_API queryInterface(const Steinberg::TUID iid, void** object) override;
    SCUFF_VST3_REFCOUNT

    Steinberg::FIDString PLUGIN_API getMessageID() override { return id_.c_str(); }
    void PLUGIN_API setMessageID(Steinberg::FIDString id) override { id_ = id ? id : ""; }
    Steinberg::Vst::IAttributeList* PLUGIN_API getAttributes() override { return attributes_; }

private:
    std::string id_;
    Vst3AttributeList* attributes_;
};

} // namespace scuff::sbox
