#include "../dsp/refused.hpp"
#include "passthrough.hpp"
#include "plugin_types.hpp"

namespace scuff_test {

namespace {

const char* features[] = {CLAP_PLUGIN_FEATURE_AUDIO_EFFECT, CLAP_PLUGIN_FEATURE_STEREO, nullptr};
constexpr clap_plugin_descriptor_t descriptor =
    describe("org.scuff.test.creation-census", "Test Creation Census", features);

// A stereo copy whose read-only parameters "Created" and "Destroyed" count the instances of the
// file's other plugins; kept alive, it keeps the file loaded while a test makes and refuses them.
class CreationCensus : public Passthrough {
public:
    CreationCensus() : Passthrough(&descriptor) {}

protected:
    const void* extension(const char* id) override {
        return std::strcmp(id, CLAP_EXT_PARAMS) == 0 ? &params_ext : Passthrough::extension(id);
    }

    uint32_t param_count() override { return scuff_dsp::census_param_count; }

    bool param_info(uint32_t index, clap_param_info_t& info) override {
        if (index >= scuff_dsp::census_param_count)
            return false;
        info.id = index;
        info.flags = CLAP_PARAM_IS_READONLY | CLAP_PARAM_IS_STEPPED;
        std::snprintf(info.name, sizeof(info.name), "%s", index == scuff_dsp::created_param ? "Created" : "Destroyed");
        info.max_value = 1e9;
        return true;
    }

    bool param_value(clap_id id, double& value) override {
        if (id >= scuff_dsp::census_param_count)
            return false;
        value = scuff_dsp::census_value(id);
        return true;
    }
};

} // namespace

const PluginType creation_census_type = {&descriptor, &create<CreationCensus>};

} // namespace scuff_test
