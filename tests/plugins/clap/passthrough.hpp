#pragma once

#include "plugin_base.hpp"

namespace scuff_test {

// Stereo copy with an empty state; the fault plugins build on it so only their fault differs.
class Passthrough : public Plugin {
public:
    explicit Passthrough(const clap_plugin_descriptor_t* descriptor)
        : Plugin(descriptor, {{"main", 2, true}}, {{"main", 2, true}}) {}

protected:
    clap_process_status process(const clap_process_t& process) override {
        copy_main(process, 0, process.frames_count);
        return CLAP_PROCESS_CONTINUE;
    }

    const void* extension(const char* id) override {
        return std::strcmp(id, CLAP_EXT_STATE) == 0 ? &state_ext : nullptr;
    }
};

} // namespace scuff_test
