#pragma once

#include "../dsp/params.hpp"
#include "component.hpp"
#include "edit_controller.hpp"
#include "stream.hpp"

#include <array>
#include <utility>
#include <vector>

namespace scuff_vst3 {

// A format-neutral parameter table (dsp/params.hpp) as VST3 specs: automatable, stepped ones with a
// step per integer, in the table's units and decimals.
template <size_t N>
std::array<ParamSpec, N> specs_of(const scuff_dsp::ParamDef (&defs)[N]) {
    std::array<ParamSpec, N> specs{};
    for (size_t i = 0; i < N; ++i) {
        const scuff_dsp::ParamDef& def = defs[i];
        specs[i] = {def.id, def.name, def.unit, def.min, def.max, def.default_value,
                    def.stepped ? static_cast<int32>(def.max - def.min) : 0, ParameterInfo::kCanAutomate,
                    def.decimals};
    }
    return specs;
}

// A single component whose parameters are a format-neutral table: parameter changes reach set_param in
// plain units, and the state is the table's, as the CLAP twin's.
template <size_t N>
class ParamTableComponent : public EditControllerOf<Component> {
public:
    ParamTableComponent(const std::array<ParamSpec, N>& specs, std::vector<Bus> inputs, std::vector<Bus> outputs,
                        std::vector<Bus> event_inputs, std::vector<Bus> event_outputs)
        : EditControllerOf(specs.data(), static_cast<int32>(N), nullptr, std::move(inputs), std::move(outputs),
                           std::move(event_inputs), std::move(event_outputs)) {}

    tresult PLUGIN_API setComponentState(IBStream* stream) override {
        uint8_t blob[scuff_dsp::ParamValues<N>::state_size];
        std::array<double, N> loaded;
        if (!read_all(stream, blob, sizeof(blob)) || !values().decode(blob, loaded))
            return kResultFalse;
        for (size_t i = 0; i < N; ++i)
            set_value(static_cast<ParamID>(i), to_normalized(*find(static_cast<ParamID>(i)), loaded[i]));
        return kResultOk;
    }

protected:
    virtual scuff_dsp::ParamValues<N>& values() = 0;
    virtual void set_param(ParamID id, double plain) { values().set(id, plain); }

    // A parameter change as the host sends it.
    void apply(ParamID id, ParamValue normalized) {
        if (const ParamSpec* spec = find(id))
            set_param(id, to_plain(*spec, normalized));
    }

    bool save(IBStream* stream) override {
        uint8_t blob[scuff_dsp::ParamValues<N>::state_size];
        values().save(blob);
        return write_all(stream, blob, sizeof(blob));
    }

    bool load(IBStream* stream) override {
        uint8_t blob[scuff_dsp::ParamValues<N>::state_size];
        std::array<double, N> loaded;
        if (!read_all(stream, blob, sizeof(blob)) || !values().decode(blob, loaded))
            return false;
        for (size_t i = 0; i < N; ++i) {
            const ParamID id = static_cast<ParamID>(i);
            set_param(id, loaded[i]);
            set_value(id, to_normalized(*find(id), loaded[i]));
        }
        return true;
    }
};

} // namespace scuff_vst3
