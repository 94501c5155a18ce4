#include "../dsp/refused.hpp"
#include "passthrough.hpp"
#include "plugin_types.hpp"

namespace scuff_test {

namespace {

const char* features[] = {CLAP_PLUGIN_FEATURE_AUDIO_EFFECT, CLAP_PLUGIN_FEATURE_STEREO, nullptr};
constexpr clap_plugin_descriptor_t descriptor =
    describe("org.scuff.test.too-many-params", "Test Too Many Params", features);

// A stereo copy that declares one parameter more than a host may accept.
class TooManyParams : public Passthrough {
public:
    TooManyParams() : Passthrough(&descriptor) {}

protected:
    const void* extension(const char* id) override {
        return std::strcmp(id, CLAP_EXT_PARAMS) == 0 ? &params_ext : Passthrough::extension(id);
    }

    uint32_t param_count() override { return scuff_dsp::too_many_params; }

    bool param_info(uint32_t index, clap_param_info_t& info) override {
        if (index >= scuff_dsp::too_many_params)
            return false;
        info.id = index;
        info.flags = CLAP_PARAM_IS_AUTOMATABLE;
        std::snprintf(info.name, sizeof(info.name), "Param %u", index);
        info.max_value = 1.0;
        return true;
    }

    bool param_value(clap_id id, double& value) override {
        value = 0.0;
        return id < scuff_dsp::too_many_params;
    }

private:
    scuff_dsp::Counted counted_;
};

} // namespace

const PluginType too_many_params_type = {&descriptor, &create<TooManyParams>};

} // namespace scuff_test
