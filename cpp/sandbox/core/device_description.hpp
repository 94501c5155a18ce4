#pragma once
// What a device tells the client about itself, in the same terms for every format.
#include <cstdint>
#include <string>

namespace scuff::sbox {

struct PortDescription {
    uint32_t id;
    std::string name;
    uint32_t channels;
    bool is_main;
};

// Bits of ParamDescription::flags. The values are the protocol's (ParamInfo.flags), which are
// CLAP's own: a CLAP plugin's flags travel as it gave them, another format's are mapped onto these.
enum ParamFlag : uint32_t {
    kParamStepped = 1u << 0,
    kParamPeriodic = 1u << 1,
    kParamHidden = 1u << 2,
    kParamReadOnly = 1u << 3,
    kParamBypass = 1u << 4,
    kParamAutomatable = 1u << 5,
};

struct ParamDescription {
    uint32_t id;
    std::string name;
    std::string module;
    double min_value;
    double max_value;
    double default_value;
    uint32_t flags;
};

struct PluginIdentity {
    std::string id;
    std::string name;
    std::string vendor;
    std::string version;
};

struct EditorSize {
    uint32_t width = 0;
    uint32_t height = 0;
    bool operator==(const EditorSize&) const = default;
};

} // namespace scuff::sbox
