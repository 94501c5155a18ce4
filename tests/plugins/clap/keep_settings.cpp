// Plugins that keep a setting in the home folder, as plugins do: at init each reads the
// number in ~/.config/scuff-test-settings/value (read-only "Stored": -1 when there is
// none), and at its first processed block writes the number in SCUFF_HOSTILE_TARGET there,
// making the folder first ("Result": -1 before, 0 when written, else the errno). Two
// vendors' builds, so that a test can see whose settings home a sandbox shows.
#include "passthrough.hpp"
#include "plugin_types.hpp"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/stat.h>

namespace scuff_test {

namespace {

const char* features[] = {CLAP_PLUGIN_FEATURE_AUDIO_EFFECT, CLAP_PLUGIN_FEATURE_STEREO, nullptr};
constexpr clap_plugin_descriptor_t keep_settings_descriptor =
    describe("org.scuff.test.keep-settings", "Test Keep Settings", features);
constexpr clap_plugin_descriptor_t other_vendor_descriptor = {
    CLAP_VERSION_INIT, "org.scuff.test.keep-settings-other-vendor", "Test Keep Settings Other Vendor",
    "Other Vendor", "", "", "", "1.0.0", "", features};

std::string settings_folder() {
    const char* home = std::getenv("HOME");
    return std::string(home ? home : "") + "/.config/scuff-test-settings";
}

class KeepSettings : public Passthrough {
public:
    explicit KeepSettings(const clap_plugin_descriptor_t* descriptor) : Passthrough(descriptor) {}

protected:
    enum Param : clap_id { result_param, stored_param };

    bool init() override {
        if (FILE* file = std::fopen((settings_folder() + "/value").c_str(), "r")) {
            int value = -1;
            if (std::fscanf(file, "%d", &value) == 1)
                stored_ = value;
            std::fclose(file);
        }
        return true;
    }

    clap_process_status process(const clap_process_t& process) override {
        if (result_ == -1)
            result_ = store();
        return Passthrough::process(process);
    }

    const void* extension(const char* id) override {
        return std::strcmp(id, CLAP_EXT_PARAMS) == 0 ? &params_ext : Passthrough::extension(id);
    }

    uint32_t param_count() override { return 2; }
    bool param_info(uint32_t index, clap_param_info_t& info) override {
        if (index > stored_param)
            return false;
        info.id = index;
        info.flags = CLAP_PARAM_IS_READONLY | CLAP_PARAM_IS_STEPPED;
        std::snprintf(info.name, sizeof info.name, "%s", index == result_param ? "Result" : "Stored");
        info.min_value = -1;
        info.max_value = 1e9;
        info.default_value = -1;
        return true;
    }
    bool param_value(clap_id id, double& value) override {
        if (id > stored_param)
            return false;
        value = id == result_param ? result_.load() : stored_.load();
        return true;
    }

private:
    static int store() {
        std::string folder = settings_folder();
        for (size_t slash = folder.find('/', 1); slash != std::string::npos; slash = folder.find('/', slash + 1))
            mkdir(folder.substr(0, slash).c_str(), 0755);
        if (mkdir(folder.c_str(), 0755) != 0 && errno != EEXIST)
            return errno;
        FILE* file = std::fopen((folder + "/value").c_str(), "w");
        if (!file)
            return errno;
        const char* value = std::getenv("SCUFF_HOSTILE_TARGET");
        std::fprintf(file, "%d\n", value ? std::atoi(value) : 0);
        return std::fclose(file) == 0 ? 0 : errno;
    }

    std::atomic<int> result_{-1};
    std::atomic<int> stored_{-1};
};

template <const clap_plugin_descriptor_t& descriptor>
const clap_plugin_t* create_keep_settings(const clap_host_t*) {
    return (new KeepSettings(&descriptor))->clap();
}

} // namespace

const PluginType keep_settings_type = {&keep_settings_descriptor, &create_keep_settings<keep_settings_descriptor>};
const PluginType keep_settings_other_vendor_type = {&other_vendor_descriptor,
                                                    &create_keep_settings<other_vendor_descriptor>};

} // namespace scuff_test
