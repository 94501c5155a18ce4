#include "clap/preset_index.hpp"

#include <cstring>
#include <filesystem>
#include <optional>
#include <system_error>

#include "clap/preset_discovery.hpp"
#include "clap/preset_load.hpp"
#include "core/thread_roles.hpp"
#include "scuff/version.hpp"

namespace scuff::sbox {

namespace {

// Bounds on what a provider can make the sandbox hold or crawl.
constexpr size_t kMaxPresets = 10000;
constexpr size_t kMaxLocations = 256;
constexpr size_t kMaxFilesCrawled = 20000;
constexpr size_t kMaxText = 4096;

std::string text(const char* value) {
    return value ? std::string(value, strnlen(value, kMaxText)) : std::string();
}

std::optional<std::string> optional_text(const char* value) {
    if (!value) return std::nullopt;
    return text(value);
}

struct DeclaredLocation {
    uint32_t kind;
    std::string path;
};

// What a provider declares while it initialises.
struct Indexer {
    static Indexer& of(const clap_preset_discovery_indexer_t* indexer) {
        return *static_cast<Indexer*>(indexer->indexer_data);
    }

    static bool declare_filetype(const clap_preset_discovery_indexer_t* indexer,
                                 const clap_preset_discovery_filetype_t* filetype) {
        if (!filetype) return false;
        std::string extension = text(filetype->file_extension);
        if (extension.empty()) {
            of(indexer).any_file = true;
        } else {
            of(indexer).extensions.push_back("." + extension);
        }
        return true;
    }
    static bool declare_location(const clap_preset_discovery_indexer_t* indexer,
                                 const clap_preset_discovery_location_t* location) {
        auto& self = of(indexer);
        if (!location || self.locations.size() >= kMaxLocations) return false;
        if (location->kind == CLAP_PRESET_DISCOVERY_LOCATION_FILE && !location->location) return false;
        if (location->kind != CLAP_PRESET_DISCOVERY_LOCATION_FILE &&
            location->kind != CLAP_PRESET_DISCOVERY_LOCATION_PLUGIN) {
            return false;
        }
        self.locations.push_back({location->kind, text(location->location)});
        return true;
    }
    static bool declare_soundpack(const clap_preset_discovery_indexer_t*, const clap_preset_discovery_soundpack_t*) {
        // Sound packs group presets for a browser; a list has no use for them.
        return true;
    }
    static const void* get_extension(const clap_preset_discovery_indexer_t*, const char*) { return nullptr; }

    bool wants(const std::filesystem::path& file) const {
        if (any_file) return true;
        std::string extension = file.extension().string();
        for (const auto& wanted : extensions) {
            if (extension == wanted) return true;
        }
        return false;
    }

    clap_preset_discovery_indexer_t clap{CLAP_VERSION_INIT, "scuff", "scuff", "", kVersion, this,
                                         declare_filetype, declare_location, declare_soundpack, get_extension};
    std::vector<std::string> extensions;
    bool any_file = false;
    std::vector<DeclaredLocation> locations;
};

// The presets of one location, as a provider tells them.
struct Receiver {
    static Receiver& of(const clap_preset_discovery_metadata_receiver_t* receiver) {
        return *static_cast<Receiver*>(receiver->receiver_data);
    }

    static void on_error(const clap_preset_discovery_metadata_receiver_t*, int32_t, const char*) {
        // A location the provider cannot read lists nothing; the others go on.
    }
    static bool begin_preset(const clap_preset_discovery_metadata_receiver_t* receiver, const char* name,
                             const char* load_key) {
        auto& self = of(receiver);
        self.finish();
        if (self.presets.size() >= kMaxPresets) return false;
        PresetLocation location;
        location.kind = self.kind == CLAP_PRESET_DISCOVERY_LOCATION_FILE ? PresetLocation::Kind::File
                                                                         : PresetLocation::Kind::Plugin;
        if (self.kind == CLAP_PRESET_DISCOVERY_LOCATION_FILE) location.path = self.path;
        location.load_key = optional_text(load_key);
        self.current = Current{{text(name), std::move(location)}};
        return true;
    }
    static void add_plugin_id(const clap_preset_discovery_metadata_receiver_t* receiver,
                              const clap_universal_plugin_id_t* plugin_id) {
        auto& self = of(receiver);
        if (!self.current || !plugin_id) return;
        self.current->names_a_plugin = true;
        if (text(plugin_id->abi) == "clap" && text(plugin_id->id) == self.plugin_id) {
            self.current->names_this_plugin = true;
        }
    }
    static void set_soundpack_id(const clap_preset_discovery_metadata_receiver_t*, const char*) {}
    static void set_flags(const clap_preset_discovery_metadata_receiver_t*, uint32_t) {}
    static void add_creator(const clap_preset_discovery_metadata_receiver_t*, const char*) {}
    static void set_description(const clap_preset_discovery_metadata_receiver_t*, const char*) {}
    static void set_timestamps(const clap_preset_discovery_metadata_receiver_t*, clap_timestamp, clap_timestamp) {}
    static void add_feature(const clap_preset_discovery_metadata_receiver_t*, const char*) {}
    static void add_extra_info(const clap_preset_discovery_metadata_receiver_t*, const char*, const char*) {}

    void finish() {
        if (current && (current->names_this_plugin || !current->names_a_plugin)) {
            presets.push_back(std::move(current->preset));
        }
        current.reset();
    }

    struct Current {
        ListedPreset preset;
        bool names_a_plugin = false;
        bool names_this_plugin = false;
    };

    clap_preset_discovery_metadata_receiver_t clap{this,           on_error,        begin_preset,   add_plugin_id,
                                                   set_soundpack_id, set_flags,     add_creator,    set_description,
                                                   set_timestamps, add_feature,     add_extra_info};
    const std::string& plugin_id;
    std::vector<ListedPreset>& presets;
    uint32_t kind = CLAP_PRESET_DISCOVERY_LOCATION_PLUGIN;
    std::string path;
    std::optional<Current> current;
};

void ask(const clap_preset_discovery_provider_t& provider, Receiver& receiver, uint32_t kind, const std::string& path) {
    receiver.kind = kind;
    receiver.path = path;
    provider.get_metadata(&provider, kind, kind == CLAP_PRESET_DISCOVERY_LOCATION_FILE ? path.c_str() : nullptr,
                          &receiver.clap);
    receiver.finish();
}

void crawl(const clap_preset_discovery_provider_t& provider, const Indexer& indexer, Receiver& receiver,
           const std::string& root) {
    namespace fs = std::filesystem;
    std::error_code error;
    if (!fs::is_directory(root, error)) {
        if (fs::is_regular_file(root, error)) ask(provider, receiver, CLAP_PRESET_DISCOVERY_LOCATION_FILE, root);
        return;
    }
    size_t crawled = 0;
    // Links are not followed into folders: a loop cannot hold the crawl.
    fs::recursive_directory_iterator entry(root, fs::directory_options::skip_permission_denied, error);
    for (; !error && entry != fs::recursive_directory_iterator(); entry.increment(error)) {
        if (++crawled > kMaxFilesCrawled || receiver.presets.size() >= kMaxPresets) return;
        if (entry->is_regular_file(error) && indexer.wants(entry->path())) {
            ask(provider, receiver, CLAP_PRESET_DISCOVERY_LOCATION_FILE, entry->path().string());
        }
    }
}

const clap_preset_discovery_factory_t* discovery_factory(const ClapLibrary& library) {
    const void* factory = library.extra_factory(CLAP_PRESET_DISCOVERY_FACTORY_ID);
    if (!factory) factory = library.extra_factory(CLAP_PRESET_DISCOVERY_FACTORY_ID_COMPAT);
    return static_cast<const clap_preset_discovery_factory_t*>(factory);
}

} // namespace

std::vector<ListedPreset> index_presets(const ClapLibrary& library, const std::string& plugin_id) {
    SCUFF_ASSERT_MAIN_THREAD();
    std::vector<ListedPreset> presets;
    const auto* factory = discovery_factory(library);
    if (!factory || !factory->count || !factory->get_descriptor || !factory->create) return presets;
    uint32_t count = factory->count(factory);
    for (uint32_t i = 0; i < count && presets.size() < kMaxPresets; ++i) {
        const auto* descriptor = factory->get_descriptor(factory, i);
        if (!descriptor || !descriptor->id) continue;
        Indexer indexer;
        const auto* provider = factory->create(factory, &indexer.clap, descriptor->id);
        if (!provider) continue;
        if (provider->init && provider->get_metadata && provider->init(provider)) {
            Receiver receiver{.plugin_id = plugin_id, .presets = presets};
            for (const auto& location : indexer.locations) {
                if (location.kind == CLAP_PRESET_DISCOVERY_LOCATION_PLUGIN) {
                    ask(*provider, receiver, location.kind, location.path);
                } else {
                    crawl(*provider, indexer, receiver, location.path);
                }
            }
        }
        if (provider->destroy) provider->destroy(provider);
    }
    return presets;
}

} // namespace scuff::sbox
