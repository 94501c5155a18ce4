// The gain, loading presets of its own format (gain_presets.hpp) through clap.preset-load: a
// file, or one of its built-in presets by load key. Another copy answers only to the draft id of
// the extension, as plugins built before CLAP 1.2.0 do.
#include "gain.hpp"
#include "gain_presets.hpp"

#include "../dsp/misbehave.hpp"
#include "plugin_types.hpp"

// The sandbox's own declaration of the extension, which the CLAP 1.1.1 headers lack.
#include "clap/preset_load.hpp"

#include <cstring>
#include <string>

namespace scuff_test {

namespace {

const char* features[] = {CLAP_PLUGIN_FEATURE_AUDIO_EFFECT, CLAP_PLUGIN_FEATURE_STEREO, CLAP_PLUGIN_FEATURE_UTILITY,
                          nullptr};
constexpr clap_plugin_descriptor_t descriptor = describe(preset_gain_id, "Test Preset Gain", features);
constexpr clap_plugin_descriptor_t draft_descriptor =
    describe("org.scuff.test.draft-preset-gain", "Test Draft Preset Gain", features);

class PresetGain : public Gain {
public:
    PresetGain(const clap_plugin_descriptor_t* descriptor, const clap_host_t* host, const char* extension_id)
        : Gain(descriptor), host_(host), extension_id_(extension_id) {}

protected:
    bool init() override {
        host_preset_load_ = static_cast<const clap_host_preset_load_t*>(host_->get_extension(host_, extension_id_));
        return true;
    }

    const void* extension(const char* id) override {
        if (std::strcmp(id, extension_id_) == 0)
            return &preset_load_ext;
        return Gain::extension(id);
    }

private:
    static PresetGain* self(const clap_plugin_t* plugin) { return static_cast<PresetGain*>(plugin->plugin_data); }

    bool from_location(uint32_t kind, const char* location, const char* load_key) {
        if (kind == CLAP_PRESET_DISCOVERY_LOCATION_FILE)
            return from_file(location, load_key);
        if (kind == CLAP_PRESET_DISCOVERY_LOCATION_PLUGIN)
            return from_built_in(load_key);
        return fail(kind, location, load_key, 0, "unknown location kind");
    }

    bool from_file(const char* path, const char* load_key) {
        if (!path)
            return fail(CLAP_PRESET_DISCOVERY_LOCATION_FILE, path, load_key, 0, "a preset file needs a path");
        GainPresetRead read = read_gain_preset(path, min_db, max_db);
        if (!read.ok)
            return fail(CLAP_PRESET_DISCOVERY_LOCATION_FILE, path, load_key, read.os_error, read.error.c_str());
        return apply(CLAP_PRESET_DISCOVERY_LOCATION_FILE, path, load_key, read.gain_db);
    }

    bool from_built_in(const char* load_key) {
        if (load_key && std::strcmp(load_key, "crash") == 0)
            crash();
        for (const auto& preset : built_in_gain_presets) {
            if (load_key && std::strcmp(load_key, preset.load_key) == 0)
                return apply(CLAP_PRESET_DISCOVERY_LOCATION_PLUGIN, nullptr, load_key, preset.gain_db);
        }
        return fail(CLAP_PRESET_DISCOVERY_LOCATION_PLUGIN, nullptr, load_key, 0,
                    (std::string("no built-in preset '") + (load_key ? load_key : "") + "'").c_str());
    }

    bool apply(uint32_t kind, const char* location, const char* load_key, double gain) {
        set_gain_db(gain);
        if (host_preset_load_ && host_preset_load_->loaded)
            host_preset_load_->loaded(host_, kind, location, load_key);
        return true;
    }

    bool fail(uint32_t kind, const char* location, const char* load_key, int32_t os_error, const char* message) {
        if (host_preset_load_ && host_preset_load_->on_error)
            host_preset_load_->on_error(host_, kind, location, load_key, os_error, message);
        return false;
    }

    static const clap_plugin_preset_load_t preset_load_ext;

    const clap_host_t* host_;
    const char* extension_id_;
    const clap_host_preset_load_t* host_preset_load_ = nullptr;
};

const clap_plugin_preset_load_t PresetGain::preset_load_ext = {
    [](const clap_plugin_t* p, uint32_t kind, const char* location, const char* load_key) {
        return self(p)->from_location(kind, location, load_key);
    },
};

} // namespace

const PluginType preset_gain_type = {
    &descriptor,
    [](const clap_host_t* host) { return (new PresetGain(&descriptor, host, CLAP_EXT_PRESET_LOAD))->clap(); },
};

const PluginType draft_preset_gain_type = {
    &draft_descriptor,
    [](const clap_host_t* host) { return (new PresetGain(&draft_descriptor, host, CLAP_EXT_PRESET_LOAD_COMPAT))->clap(); },
};

} // namespace scuff_test
