#pragma once

#include "plugin_base.hpp"

#include <atomic>

namespace scuff_test {

// Shared with Faulty, which must behave exactly like it until a fault is armed.
class Gain : public Plugin {
public:
    static constexpr clap_id gain_param = 0;
    static constexpr double min_db = -60.0;
    static constexpr double max_db = 24.0;
    static constexpr double default_db = 0.0;

    explicit Gain(const clap_plugin_descriptor_t* descriptor);

protected:
    clap_process_status process(const clap_process_t& process) override;
    const void* extension(const char* id) override;
    void on_event(const clap_event_header_t& event) override;

    uint32_t param_count() override { return 1; }
    bool param_info(uint32_t index, clap_param_info_t& info) override;
    bool param_value(clap_id id, double& value) override;
    bool param_to_text(clap_id id, double value, char* display, uint32_t size) override;
    bool text_to_param(clap_id id, const char* display, double& value) override;

    bool save(const clap_ostream_t& stream) override;
    bool load(const clap_istream_t& stream) override;

    // Main thread, for a plugin that loads its value from elsewhere (a preset).
    void set_gain_db(double db) { gain_db_ = db; }

    // Null unless `event` is a core-space CLAP_EVENT_PARAM_VALUE.
    static const clap_event_param_value_t* as_param_value(const clap_event_header_t& event);

private:
    // Written by the audio thread (events) and the main thread (state load, flush while inactive).
    std::atomic<double> gain_db_{default_db};
};

} // namespace scuff_test
