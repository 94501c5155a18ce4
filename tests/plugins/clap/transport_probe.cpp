#include "../dsp/transport_probe.hpp"
#include "plugin_base.hpp"
#include "plugin_types.hpp"

#include "render.hpp"

#include <atomic>

namespace scuff_test {

namespace {

const char* features[] = {CLAP_PLUGIN_FEATURE_ANALYZER, CLAP_PLUGIN_FEATURE_UTILITY, nullptr};
constexpr clap_plugin_descriptor_t descriptor =
    describe("org.scuff.test.transport-probe", "Test Transport Probe", features);

scuff_dsp::Transport from_clap(const clap_event_transport_t* transport) {
    scuff_dsp::Transport out;
    if (!transport)
        return out;
    const uint32_t flags = transport->flags;
    out.has_tempo = flags & CLAP_TRANSPORT_HAS_TEMPO;
    out.tempo = transport->tempo;
    out.has_beats = flags & CLAP_TRANSPORT_HAS_BEATS_TIMELINE;
    out.beats = static_cast<double>(transport->song_pos_beats) / CLAP_BEATTIME_FACTOR;
    out.has_seconds = flags & CLAP_TRANSPORT_HAS_SECONDS_TIMELINE;
    out.seconds = static_cast<double>(transport->song_pos_seconds) / CLAP_SECTIME_FACTOR;
    out.playing = flags & CLAP_TRANSPORT_IS_PLAYING;
    out.has_time_signature = flags & CLAP_TRANSPORT_HAS_TIME_SIGNATURE;
    out.numerator = transport->tsig_num;
    out.denominator = transport->tsig_denom;
    out.loop_active = flags & CLAP_TRANSPORT_IS_LOOP_ACTIVE;
    out.loop_start_beats = static_cast<double>(transport->loop_start_beats) / CLAP_BEATTIME_FACTOR;
    return out;
}

// The CLAP build of dsp/transport_probe.hpp: one 8-channel output. It reads process->transport for the
// block's first frame, and a transport event in the block from its frame on; offline is the last mode
// given through clap.render.
class TransportProbe : public Plugin {
public:
    TransportProbe() : Plugin(&descriptor, {}, {{"probe", scuff_dsp::probe_channels, true}}) {}

protected:
    const void* extension(const char* id) override {
        return std::strcmp(id, CLAP_EXT_RENDER) == 0 ? &render_ext : nullptr;
    }

    void on_event(const clap_event_header_t& event) override {
        if (event.space_id != CLAP_CORE_EVENT_SPACE_ID || event.type != CLAP_EVENT_TRANSPORT)
            return;
        transport_ = from_clap(reinterpret_cast<const clap_event_transport_t*>(&event));
        origin_ = event.time;
    }

    clap_process_status process(const clap_process_t& process) override {
        transport_ = from_clap(process.transport);
        origin_ = 0;
        float* outputs[scuff_dsp::probe_channels];
        for (uint32_t c = 0; c < scuff_dsp::probe_channels; ++c)
            outputs[c] = output(process, 0, c);
        render_between_events(process, [&](uint32_t start, uint32_t end) {
            scuff_dsp::write_probe(transport_, offline_, sample_rate_, outputs, start, end, origin_);
        });
        return CLAP_PROCESS_CONTINUE;
    }

private:
    static TransportProbe* of(const clap_plugin_t* plugin) {
        return static_cast<TransportProbe*>(static_cast<Plugin*>(plugin->plugin_data));
    }

    static const clap_plugin_render_t render_ext;

    scuff_dsp::Transport transport_;
    uint32_t origin_ = 0;
    // Set on the main thread, read by the audio thread.
    std::atomic<bool> offline_{false};
};

const clap_plugin_render_t TransportProbe::render_ext = {
    [](const clap_plugin_t*) { return false; },
    [](const clap_plugin_t* p, clap_plugin_render_mode mode) {
        of(p)->offline_ = mode == CLAP_RENDER_OFFLINE;
        return true;
    },
};

} // namespace

const PluginType transport_probe_type = {&descriptor, &create<TransportProbe>};

} // namespace scuff_test
