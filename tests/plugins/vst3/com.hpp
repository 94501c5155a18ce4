#pragma once

#include "pluginterfaces/base/funknown.h"

#include <atomic>
#include <cstring>

namespace scuff_vst3 {

using namespace Steinberg;

// Interface ids are compared as the byte arrays the headers define; FUID::iid needs SDK sources.
inline bool same_iid(const TUID a, const TUID b) {
    return std::memcmp(a, b, sizeof(TUID)) == 0;
}

// The most derived class of every object handed to a host. `Base` says which interfaces it answers
// through `interface()`; this wrapper owns the reference count, so no base spells out FUnknown again.
// Objects start with one reference, which goes to whoever asked for the object.
template <class Base>
class Com final : public Base {
public:
    using Base::Base;

    tresult PLUGIN_API queryInterface(const TUID iid, void** object) override {
        if (!object)
            return kInvalidArgument;
        *object = this->interface(iid);
        if (!*object)
            return kNoInterface;
        addRef();
        return kResultOk;
    }

    uint32 PLUGIN_API addRef() override { return ++references_; }

    uint32 PLUGIN_API release() override {
        const uint32 left = --references_;
        if (left == 0)
            delete this;
        return left;
    }

private:
    // Only release() deletes, always through the most derived type: FUnknown has no virtual destructor.
    ~Com() = default;

    std::atomic<uint32> references_{1};
};

// For interface(): `self` as `Interface` when `iid` names it, else null.
template <class Interface, class Self>
void* offer(const TUID iid, const TUID wanted, Self* self) {
    return same_iid(iid, wanted) ? static_cast<Interface*>(self) : nullptr;
}

// Holds one reference to a host object, released when replaced or dropped.
template <class Interface>
class Ref {
public:
    Ref() = default;
    Ref(const Ref&) = delete;
    Ref& operator=(const Ref&) = delete;
    ~Ref() { reset(); }

    // Takes a reference of its own; the caller keeps theirs.
    void share(Interface* object) {
        if (object)
            object->addRef();
        reset();
        object_ = object;
    }

    // Adopts the reference the caller holds (as queryInterface hands out).
    void adopt(Interface* object) {
        reset();
        object_ = object;
    }

    void reset() {
        if (Interface* old = object_) {
            object_ = nullptr;
            old->release();
        }
    }

    Interface* get() const { return object_; }
    Interface* operator->() const { return object_; }
    explicit operator bool() const { return object_ != nullptr; }

private:
    Interface* object_ = nullptr;
};

// Asks `object` for `Interface`; null when it has none.
template <class Interface>
Interface* query(FUnknown* object, const TUID iid) {
    void* result = nullptr;
    if (!object || object->queryInterface(iid, &result) != kResultOk)
        return nullptr;
    return static_cast<Interface*>(result);
}

} // namespace scuff_vst3
