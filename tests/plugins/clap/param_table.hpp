#pragma once

#include "../dsp/params.hpp"
#include "../dsp/param_text.hpp"
#include "plugin_base.hpp"

namespace scuff_test {

// A plugin whose parameters are a format-neutral table (dsp/params.hpp): clap.params and clap.state
// over it, parameter events applied at their frame, and every other event handed to on_note().
template <size_t N>
class ParamTablePlugin : public Plugin {
public:
    using Plugin::Plugin;

protected:
    virtual scuff_dsp::ParamValues<N>& values() = 0;
    // A parameter event, after range checks by the table.
    virtual void set_param(clap_id id, double value) { values().set(id, value); }
    virtual void on_note(const clap_event_header_t&) {}

    const void* extension(const char* id) override {
        if (std::strcmp(id, CLAP_EXT_PARAMS) == 0)
            return &params_ext;
        if (std::strcmp(id, CLAP_EXT_STATE) == 0)
            return &state_ext;
        return nullptr;
    }

    void on_event(const clap_event_header_t& event) override {
        if (event.space_id == CLAP_CORE_EVENT_SPACE_ID && event.type == CLAP_EVENT_PARAM_VALUE) {
            const auto& change = reinterpret_cast<const clap_event_param_value_t&>(event);
            set_param(change.param_id, change.value);
            return;
        }
        on_note(event);
    }

    uint32_t param_count() override { return static_cast<uint32_t>(N); }

    bool param_info(uint32_t index, clap_param_info_t& info) override {
        if (index >= N)
            return false;
        const scuff_dsp::ParamDef& def = values().def(index);
        info.id = def.id;
        info.flags = CLAP_PARAM_IS_AUTOMATABLE | (def.stepped ? CLAP_PARAM_IS_STEPPED : 0);
        std::snprintf(info.name, sizeof(info.name), "%s", def.name);
        info.min_value = def.min;
        info.max_value = def.max;
        info.default_value = def.default_value;
        return true;
    }

    bool param_value(clap_id id, double& value) override {
        if (!values().find(id))
            return false;
        value = values().get(id);
        return true;
    }

    bool param_to_text(clap_id id, double value, char* display, uint32_t size) override {
        const scuff_dsp::ParamDef* def = values().find(id);
        if (!def)
            return false;
        char suffix[32] = "";
        if (def->unit[0])
            std::snprintf(suffix, sizeof(suffix), " %s", def->unit);
        return format_number(value, def->decimals, suffix, display, size);
    }

    bool text_to_param(clap_id id, const char* display, double& value) override {
        const scuff_dsp::ParamDef* def = values().find(id);
        return def && parse_number(display, def->unit, value) && value >= def->min && value <= def->max;
    }

    bool save(const clap_ostream_t& stream) override {
        uint8_t blob[scuff_dsp::ParamValues<N>::state_size];
        values().save(blob);
        return write_all(stream, blob, sizeof(blob));
    }

    bool load(const clap_istream_t& stream) override {
        uint8_t blob[scuff_dsp::ParamValues<N>::state_size];
        std::array<double, N> loaded;
        if (!read_exactly(stream, blob, sizeof(blob)) || !values().decode(blob, loaded))
            return false;
        for (size_t i = 0; i < N; ++i)
            set_param(static_cast<clap_id>(i), loaded[i]);
        return true;
    }

    static bool is_core(const clap_event_header_t& event, uint16_t type) {
        return event.space_id == CLAP_CORE_EVENT_SPACE_ID && event.type == type;
    }
};

} // namespace scuff_test
