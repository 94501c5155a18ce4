#pragma once

#include "com.hpp"

#include "pluginterfaces/vst/ivstmessage.h"

namespace scuff_vst3 {

using Steinberg::Vst::IConnectionPoint;
using Steinberg::Vst::IMessage;

// IConnectionPoint for a component and its separate controller. Each keeps a reference to its peer
// while connected, as hosts expect; no messages are exchanged, because the controller learns the
// component's state through setComponentState.
class Connection : public IConnectionPoint {
public:
    tresult PLUGIN_API connect(IConnectionPoint* other) override {
        if (!other)
            return kInvalidArgument;
        if (peer_)
            return kResultFalse;
        peer_.share(other);
        return kResultOk;
    }

    tresult PLUGIN_API disconnect(IConnectionPoint* other) override {
        if (!peer_ || peer_.get() != other)
            return kResultFalse;
        peer_.reset();
        return kResultOk;
    }

    tresult PLUGIN_API notify(IMessage* message) override { return message ? kResultFalse : kInvalidArgument; }

protected:
    // At terminate: a host that never disconnects must not keep both objects alive through each other.
    void drop_peer() { peer_.reset(); }

private:
    Ref<IConnectionPoint> peer_;
};

} // namespace scuff_vst3
