#include "preset_discovery.hpp"

#include "gain.hpp"
#include "gain_presets.hpp"

// The sandbox's own declarations of preset discovery, which the CLAP 1.1.1 headers lack.
#include "clap/preset_discovery.hpp"
#include "clap/preset_load.hpp"

#include <filesystem>
#include <string>

namespace scuff_test {

namespace {

// Where the factory's preset files are: the folder beside the plugin file (made by CMake).
std::string presets_folder;

constexpr clap_preset_discovery_provider_descriptor_t provider_descriptor = {
    CLAP_VERSION_INIT, "org.scuff.test.preset-gain.presets", "Test Preset Gain presets", "scuff"};

void name_plugin(const clap_preset_discovery_metadata_receiver_t* receiver, const char* plugin_id) {
    clap_universal_plugin_id_t id{"clap", plugin_id};
    receiver->add_plugin_id(receiver, &id);
}

bool get_metadata(const clap_preset_discovery_provider_t*, uint32_t kind, const char* location,
                  const clap_preset_discovery_metadata_receiver_t* receiver) {
    if (kind == CLAP_PRESET_DISCOVERY_LOCATION_PLUGIN) {
        for (const auto& preset : built_in_gain_presets) {
            if (!receiver->begin_preset(receiver, preset.name, preset.load_key))
                return true;
            name_plugin(receiver, preset_gain_id);
        }
        // A preset of another plugin of the same vendor: a host lists it for that plugin only.
        if (receiver->begin_preset(receiver, "Other plugin's", "other"))
            name_plugin(receiver, "org.scuff.test.other");
        return true;
    }
    GainPresetRead read = read_gain_preset(location, Gain::min_db, Gain::max_db);
    if (!read.ok) {
        receiver->on_error(receiver, read.os_error, read.error.c_str());
        return false;
    }
    if (receiver->begin_preset(receiver, std::filesystem::path(location).stem().c_str(), nullptr))
        name_plugin(receiver, preset_gain_id);
    return true;
}

bool init(const clap_preset_discovery_provider_t* provider) {
    const auto* indexer = static_cast<const clap_preset_discovery_indexer_t*>(provider->provider_data);
    clap_preset_discovery_filetype_t filetype{"Test gain preset", "", gain_preset_extension};
    clap_preset_discovery_location_t factory{0, "Factory", CLAP_PRESET_DISCOVERY_LOCATION_FILE,
                                             presets_folder.c_str()};
    clap_preset_discovery_location_t built_in{0, "Built in", CLAP_PRESET_DISCOVERY_LOCATION_PLUGIN, nullptr};
    return indexer->declare_filetype(indexer, &filetype) && indexer->declare_location(indexer, &factory) &&
           indexer->declare_location(indexer, &built_in);
}

const clap_preset_discovery_factory_t factory = {
    [](const clap_preset_discovery_factory_t*) -> uint32_t { return 1; },
    [](const clap_preset_discovery_factory_t*, uint32_t index) {
        return index == 0 ? &provider_descriptor : nullptr;
    },
    [](const clap_preset_discovery_factory_t*, const clap_preset_discovery_indexer_t* indexer,
       const char* provider_id) -> const clap_preset_discovery_provider_t* {
        if (std::string(provider_id) != provider_descriptor.id)
            return nullptr;
        return new clap_preset_discovery_provider_t{
            &provider_descriptor,
            const_cast<clap_preset_discovery_indexer_t*>(indexer),
            init,
            [](const clap_preset_discovery_provider_t* provider) { delete provider; },
            get_metadata,
            [](const clap_preset_discovery_provider_t*, const char*) -> const void* { return nullptr; },
        };
    },
};

} // namespace

void set_presets_folder(const char* plugin_path) {
    presets_folder = (std::filesystem::path(plugin_path).parent_path() / "scuff-test-presets").string();
}

const void* preset_discovery_factory(const char* factory_id) {
    bool wanted = std::string(factory_id) == CLAP_PRESET_DISCOVERY_FACTORY_ID ||
                  std::string(factory_id) == CLAP_PRESET_DISCOVERY_FACTORY_ID_COMPAT;
    return wanted ? &factory : nullptr;
}

} // namespace scuff_test
