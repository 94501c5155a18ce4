#pragma once
// What the host keeps of a VST3 plugin's parameters: each one's description in plain units
// and its mapping between plain and normalized values, read from the controller once at
// creation. The audio thread reads it without locks, so it never changes after that.
#include <cstdint>
#include <map>
#include <vector>

#include "core/device_description.hpp"
#include "pluginterfaces/vst/ivsteditcontroller.h"
#include "vst3/param_mapping.hpp"

namespace scuff::sbox {

class Vst3ParamTable {
public:
    struct Param {
        ParamDescription description;
        Vst3ParamMapping mapping;
    };

    Vst3ParamTable() = default;
    // Main thread: the first `count` parameters `controller` declares (the caller checks the
    // count against the limit).
    Vst3ParamTable(Steinberg::Vst::IEditController& controller, Steinberg::int32 count);

    void add(ParamDescription description, Vst3ParamMapping mapping);

    size_t size() const { return params_.size(); }
    bool contains(Steinberg::Vst::ParamID id) const { return params_.contains(id); }
    // Null for a parameter the plugin did not declare at creation.
    const Param* find(Steinberg::Vst::ParamID id) const;
    // An unknown parameter's mapping is the identity.
    const Vst3ParamMapping& mapping(Steinberg::Vst::ParamID id) const;

    // Main thread: the parameters as the controller describes them now; titles and flags may
    // change (kParamTitlesChanged), ranges and mappings are the creation's.
    std::vector<ParamDescription> describe(Steinberg::Vst::IEditController& controller) const;

private:
    std::map<Steinberg::Vst::ParamID, Param> params_;
};

} // namespace scuff::sbox
