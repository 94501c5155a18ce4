#pragma once

#include "connection.hpp"
#include "stream.hpp"

#include <cstring>

namespace scuff_vst3 {

// The base of a separate controller class, under EditControllerOf: its lifetime and its own state.
// The controller state is a fixed 8-byte blob, "SCCT" and a little-endian uint32 version, so a host's
// round trip of it can be checked; the parameter values come from the component state.
class ControllerRoot : public Connection {
public:
    tresult initialize(FUnknown*) {
        ++initialize_count_;
        return kResultOk;
    }

    tresult terminate() {
        if (initialize_count_ == 0)
            return kResultFalse;
        if (--initialize_count_ == 0)
            drop_peer();
        return kResultOk;
    }

    bool initialized() const { return initialize_count_ > 0; }

    tresult getState(IBStream* state) { return write_all(state, blob, sizeof(blob)) ? kResultOk : kResultFalse; }

    tresult setState(IBStream* state) {
        uint8_t got[sizeof(blob)];
        if (!read_all(state, got, sizeof(got)) || std::memcmp(got, blob, sizeof(blob)) != 0)
            return kResultFalse;
        return kResultOk;
    }

protected:
    // IConnectionPoint here; FUnknown and IPluginBase are answered by the IEditController above.
    void* interface(const TUID iid) { return offer<IConnectionPoint>(iid, Steinberg::Vst::IConnectionPoint_iid, this); }

private:
    static constexpr uint8_t blob[8] = {'S', 'C', 'C', 'T', 1, 0, 0, 0};
    int initialize_count_ = 0;
};

} // namespace scuff_vst3
