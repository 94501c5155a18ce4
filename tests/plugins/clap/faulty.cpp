#include "../dsp/faults.hpp"
#include "gain.hpp"
#include "../dsp/misbehave.hpp"
#include "../dsp/param_text.hpp"
#include "plugin_types.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <unistd.h>

namespace scuff_test {

namespace {

using namespace scuff_dsp;  // the Fault values and their names

const char* features[] = {CLAP_PLUGIN_FEATURE_AUDIO_EFFECT, CLAP_PLUGIN_FEATURE_STEREO, nullptr};
constexpr clap_plugin_descriptor_t descriptor = describe("org.scuff.test.faulty", "Test Faulty", features);

// The gain plugin plus a "Fault" parameter that arms one kind of misbehaviour. The fault is not part
// of the state, so a crashed instance can be restored from its last saved state without re-arming it.
class Faulty : public Gain {
public:
    static constexpr clap_id fault_param = 1;

    Faulty() : Gain(&descriptor) {}

protected:
    clap_process_status process(const clap_process_t& process) override {
        // Fault changes are taken before anything else, so the block that arms a process fault already trips it.
        if (process.in_events)
            for (uint32_t i = 0, n = process.in_events->size(process.in_events); i < n; ++i)
                take_fault(*process.in_events->get(process.in_events, i));
        misbehave_in_process(fault_.load());
        const clap_process_status status = Gain::process(process);
        // After the block, whose events (Gain::process hands them to on_event) may arm it.
        if (late_armed_.exchange(false))
            be_late();
        if (fault_ == nan_in_process)
            for (uint32_t port = 0; port < process.audio_outputs_count; ++port)
                for (uint32_t c = 0; float* out = output(process, port, c); ++c)
                    std::fill(out, out + process.frames_count, std::numeric_limits<float>::quiet_NaN());
        return status;
    }

    // Every event reaches this once (process's early look above only reads the fault), so
    // every change to the fault arms one late call, even one to the value it already has.
    void on_event(const clap_event_header_t& event) override {
        take_fault(event);
        if (is_fault_change(event) && fault_ == late_once_in_process)
            late_armed_ = true;
        Gain::on_event(event);
    }

    // Tripped before `in` is applied, so the flush that arms the fault is not the one that trips it.
    void flush(const clap_input_events_t& in) override {
        trip(crash_in_flush, hang_in_flush);
        Gain::flush(in);
    }

    bool save(const clap_ostream_t& stream) override {
        trip(crash_in_save, hang_in_save);
        return Gain::save(stream);
    }

    bool load(const clap_istream_t& stream) override {
        trip(crash_in_load, hang_in_load);
        return Gain::load(stream);
    }

    uint32_t param_count() override { return 2; }

    bool param_info(uint32_t index, clap_param_info_t& info) override {
        if (index != 1)
            return Gain::param_info(index, info);
        info.id = fault_param;
        info.flags = CLAP_PARAM_IS_STEPPED | CLAP_PARAM_IS_AUTOMATABLE;
        std::snprintf(info.name, sizeof(info.name), "Fault");
        info.min_value = no_fault;
        info.max_value = last_fault;
        info.default_value = no_fault;
        return true;
    }

    bool param_value(clap_id id, double& value) override {
        if (id != fault_param)
            return Gain::param_value(id, value);
        value = fault_;
        return true;
    }

    bool param_to_text(clap_id id, double value, char* display, uint32_t size) override {
        if (id != fault_param)
            return Gain::param_to_text(id, value, display, size);
        if (!std::isfinite(value))
            return false;
        std::snprintf(display, size, "%s", fault_names[to_fault(value)]);
        return true;
    }

    bool text_to_param(clap_id id, const char* display, double& value) override {
        if (id != fault_param)
            return Gain::text_to_param(id, display, value);
        for (int fault = no_fault; fault <= last_fault; ++fault) {
            if (std::strcmp(display, fault_names[fault]) == 0) {
                value = fault;
                return true;
            }
        }
        return parse_number(display, "", value) && value >= no_fault && value <= last_fault;
    }

private:
    static int to_fault(double value) { return static_cast<int>(std::clamp(std::round(value), 0.0, 1.0 * last_fault)); }

    static bool is_fault_change(const clap_event_header_t& event) {
        const clap_event_param_value_t* change = as_param_value(event);
        return change && change->param_id == fault_param && std::isfinite(change->value);
    }

    void take_fault(const clap_event_header_t& event) {
        if (is_fault_change(event))
            fault_ = to_fault(as_param_value(event)->value);
    }

    void trip(Fault crash_fault, Fault hang_fault) {
        if (fault_ == crash_fault)
            crash();
        if (fault_ == hang_fault)
            hang();
    }

    std::atomic<int> fault_{no_fault};
    std::atomic<bool> late_armed_{false};
};

} // namespace

const PluginType faulty_type = {&descriptor, &create<Faulty>};

} // namespace scuff_test
