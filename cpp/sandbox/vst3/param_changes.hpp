#pragma once
// The parameter changes of one VST3 process call, in or out, preallocated so that
// filling and reading them on the audio thread never allocates. The host owns these
// objects; a plugin only borrows them for the call.
#include <array>
#include <vector>

#include "pluginterfaces/vst/ivstparameterchanges.h"

namespace scuff::sbox {

class Vst3ParamQueue final : public Steinberg::Vst::IParamValueQueue {
public:
    static constexpr Steinberg::int32 kMaxPoints = 64;

    void reset(Steinberg::Vst::ParamID id) {
        id_ = id;
        count_ = 0;
    }

    Steinberg::tresult PLUGIN_API queryInterface(const Steinberg::TUID iid, void** object) override;
    Steinberg::uint32 PLUGIN_API addRef() override { return 1; }
    Steinberg::uint32 PLUGIN_API release() override { return 1; }

    Steinberg::Vst::ParamID PLUGIN_API getParameterId() override { return id_; }
    Steinberg::int32 PLUGIN_API getPointCount() override { return count_; }
    Steinberg::tresult PLUGIN_API getPoint(Steinberg::int32 index, Steinberg::int32& offset,
                                           Steinberg::Vst::ParamValue& value) override;
    // Points stay in time order; a point at the time of the last one replaces it, and a
    // full queue keeps only the newest value in its last point.
    Steinberg::tresult PLUGIN_API addPoint(Steinberg::int32 offset, Steinberg::Vst::ParamValue value,
                                           Steinberg::int32& index) override;

private:
    struct Point {
        Steinberg::int32 offset;
        Steinberg::Vst::ParamValue value;
    };
    Steinberg::Vst::ParamID id_ = 0;
    Steinberg::int32 count_ = 0;
    std::array<Point, kMaxPoints> points_{};
};

class Vst3ParamChanges final : public Steinberg::Vst::IParameterChanges {
public:
    // Main thread: room for `max_params` different parameters per call.
    explicit Vst3ParamChanges(size_t max_params) : queues_(max_params) {}
    // Main thread, while not processing: room for `max_params` instead.
    void resize(size_t max_params) {
        queues_.resize(max_params);
        used_ = 0;
    }

    void clear() { used_ = 0; }
    // The queue of `id`, added when new; null when the call already has the most
    // parameters it can hold.
    Vst3ParamQueue* queue(Steinberg::Vst::ParamID id);

    Steinberg::tresult PLUGIN_API queryInterface(const Steinberg::TUID iid, void** object) override;
    Steinberg::uint32 PLUGIN_API addRef() override { return 1; }
    Steinberg::uint32 PLUGIN_API release() override { return 1; }

    Steinberg::int32 PLUGIN_API getParameterCount() override { return used_; }
    Steinberg::Vst::IParamValueQueue* PLUGIN_API getParameterData(Steinberg::int32 index) override;
    Steinberg::Vst::IParamValueQueue* PLUGIN_API addParameterData(const Steinberg::Vst::ParamID& id,
                                                                   Steinberg::int32& index) override;

private:
    std::vector<Vst3ParamQueue> queues_;
    Steinberg::int32 used_ = 0;
};

} // namespace scuff::sbox
