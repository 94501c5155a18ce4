// The gain, loading presets of its own format through clap.preset-load: a file holding
// "scuff-test-gain-preset" and "gain=<dB>" on two lines, or one of its built-in presets by
// load key. Another copy answers only to the draft id of the extension, as plugins built
// before CLAP 1.2.0 do.
#include "gain.hpp"

#include "../dsp/misbehave.hpp"
#include "plugin_types.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace scuff_test {

namespace {

// clap.preset-load is missing from the CLAP 1.1.1 headers; declared here from the CLAP specification, same
// layout.
constexpr char ext_preset_load[] = "clap.preset-load/2";
constexpr char ext_preset_load_draft[] = "clap.preset-load.draft/2";
constexpr uint32_t location_file = 0;   // CLAP_PRESET_DISCOVERY_LOCATION_FILE
constexpr uint32_t location_plugin = 1; // CLAP_PRESET_DISCOVERY_LOCATION_PLUGIN
struct clap_plugin_preset_load_t {
    bool(CLAP_ABI* from_location)(const clap_plugin_t* plugin, uint32_t location_kind, const char* location,
                                  const char* load_key);
};
struct clap_host_preset_load_t {
    void(CLAP_ABI* on_error)(const clap_host_t* host, uint32_t location_kind, const char* location,
                             const char* load_key, int32_t os_error, const char* msg);
    void(CLAP_ABI* loaded)(const clap_host_t* host, uint32_t location_kind, const char* location,
                           const char* load_key);
};

constexpr char file_magic[] = "scuff-test-gain-preset";

struct BuiltIn {
    const char* load_key;
    double gain_db;
};
constexpr BuiltIn built_ins[] = {{"unity", 0.0}, {"quiet", -20.0}, {"loud", 12.0}};

const char* features[] = {CLAP_PLUGIN_FEATURE_AUDIO_EFFECT, CLAP_PLUGIN_FEATURE_STEREO, CLAP_PLUGIN_FEATURE_UTILITY,
                          nullptr};
constexpr clap_plugin_descriptor_t descriptor = describe("org.scuff.test.preset-gain", "Test Preset Gain", features);
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
        if (kind == location_file)
            return from_file(location, load_key);
        if (kind == location_plugin)
            return from_built_in(load_key);
        return fail(kind, location, load_key, 0, "unknown location kind");
    }

    bool from_file(const char* path, const char* load_key) {
        if (!path)
            return fail(location_file, path, load_key, 0, "a preset file needs a path");
        std::FILE* file = std::fopen(path, "rb");
        if (!file)
            return fail(location_file, path, load_key, errno, (std::string("cannot open ") + path).c_str());
        char magic[64] = {};
        char value[64] = {};
        bool read = std::fgets(magic, sizeof magic, file) && std::fgets(value, sizeof value, file);
        std::fclose(file);
        char* end = nullptr;
        double gain = read && std::strncmp(value, "gain=", 5) == 0 ? std::strtod(value + 5, &end) : NAN;
        if (!read || std::strcmp(magic, (std::string(file_magic) + "\n").c_str()) != 0 || end == value + 5 ||
            !std::isfinite(gain) || gain < min_db || gain > max_db)
            return fail(location_file, path, load_key, 0, (std::string(path) + " is not a Test Preset Gain preset").c_str());
        return apply(location_file, path, load_key, gain);
    }

    bool from_built_in(const char* load_key) {
        if (load_key && std::strcmp(load_key, "crash") == 0)
            crash();
        for (const auto& preset : built_ins) {
            if (load_key && std::strcmp(load_key, preset.load_key) == 0)
                return apply(location_plugin, nullptr, load_key, preset.gain_db);
        }
        return fail(location_plugin, nullptr, load_key, 0,
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
    [](const clap_host_t* host) { return (new PresetGain(&descriptor, host, ext_preset_load))->clap(); },
};

const PluginType draft_preset_gain_type = {
    &draft_descriptor,
    [](const clap_host_t* host) { return (new PresetGain(&draft_descriptor, host, ext_preset_load_draft))->clap(); },
};

} // namespace scuff_test
