#pragma once

#include "stream_io.hpp"

#include "clap/ext/audio-ports.h"
#include "clap/ext/latency.h"
#include "clap/ext/note-ports.h"
#include "clap/ext/params.h"
#include "clap/ext/state.h"
#include "clap/plugin.h"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <utility>
#include <vector>

namespace scuff_test {

struct AudioPort {
    const char* name;
    uint32_t channel_count;
    bool is_main;
};

struct NotePort {
    const char* name;
    // CLAP_NOTE_DIALECT_* flags.
    uint32_t supported_dialects;
    clap_note_dialect preferred_dialect;
};

// What a factory lists, and how it makes one.
struct PluginType {
    const clap_plugin_descriptor_t* descriptor;
    const clap_plugin_t* (*create)(const clap_host_t* host);
};

constexpr clap_plugin_descriptor_t describe(const char* id, const char* name, const char** features) {
    return {CLAP_VERSION_INIT, id, name, "scuff", "", "", "", "1.0.0", "", features};
}

// Most test plugins never call back into the host, so they are made without it.
template <class T>
const clap_plugin_t* create(const clap_host_t*) {
    return (new T)->clap();
}

// Owns the clap_plugin_t handed to the host. The C callbacks recover `this` from plugin_data and
// forward to virtuals, so each test plugin only spells out the behaviour a test relies on.
class Plugin {
public:
    Plugin(const clap_plugin_descriptor_t* descriptor, std::vector<AudioPort> inputs, std::vector<AudioPort> outputs)
        : inputs_(std::move(inputs)), outputs_(std::move(outputs)) {
        clap_.desc = descriptor;
        clap_.plugin_data = this;
        clap_.init = [](const clap_plugin_t* p) { return self(p)->init(); };
        clap_.destroy = [](const clap_plugin_t* p) { delete self(p); };
        clap_.activate = [](const clap_plugin_t* p, double sample_rate, uint32_t, uint32_t) {
            self(p)->sample_rate_ = sample_rate;
            return self(p)->activate();
        };
        clap_.deactivate = [](const clap_plugin_t*) {};
        clap_.start_processing = [](const clap_plugin_t*) { return true; };
        clap_.stop_processing = [](const clap_plugin_t*) {};
        clap_.reset = [](const clap_plugin_t* p) { self(p)->reset(); };
        clap_.process = [](const clap_plugin_t* p, const clap_process_t* process) {
            // None of these plugins tracks constant channels, so none is reported as constant.
            for (uint32_t i = 0; i < process->audio_outputs_count; ++i)
                process->audio_outputs[i].constant_mask = 0;
            return self(p)->process(*process);
        };
        clap_.get_extension = [](const clap_plugin_t* p, const char* id) -> const void* {
            // A plugin's own extension() may replace even the audio ports every plugin has.
            if (const void* own = self(p)->extension(id))
                return own;
            return std::strcmp(id, CLAP_EXT_AUDIO_PORTS) == 0 ? &audio_ports_ext : nullptr;
        };
        clap_.on_main_thread = [](const clap_plugin_t*) {};
    }
    Plugin(const Plugin&) = delete;
    Plugin& operator=(const Plugin&) = delete;
    virtual ~Plugin() = default;

    const clap_plugin_t* clap() const { return &clap_; }

protected:
    virtual bool init() { return true; }
    // sample_rate_ is already set when this runs.
    virtual bool activate() { return true; }
    virtual void reset() {}
    virtual clap_process_status process(const clap_process_t& process) = 0;
    virtual const void* extension(const char*) { return nullptr; }
    virtual void on_event(const clap_event_header_t&) {}

    // clap.params, reached only by plugins whose extension() returns &params_ext.
    virtual uint32_t param_count() { return 0; }
    virtual bool param_info(uint32_t, clap_param_info_t&) { return false; }
    virtual bool param_value(clap_id, double&) { return false; }
    virtual bool param_to_text(clap_id, double, char*, uint32_t) { return false; }
    virtual bool text_to_param(clap_id, const char*, double&) { return false; }
    virtual void flush(const clap_input_events_t& in) { apply_events(in); }

    // clap.state: by default the state is empty, and anything else is rejected.
    virtual bool save(const clap_ostream_t&) { return true; }
    virtual bool load(const clap_istream_t& stream) { return read_exactly(stream, nullptr, 0); }

    virtual uint32_t latency() { return 0; }

    static const clap_plugin_params_t params_ext;
    static const clap_plugin_state_t state_ext;
    static const clap_plugin_latency_t latency_ext;
    // clap.note-ports over the ports given to set_note_ports.
    static const clap_plugin_note_ports_t note_ports_ext;

    void set_note_ports(std::vector<NotePort> inputs, std::vector<NotePort> outputs) {
        note_inputs_ = std::move(inputs);
        note_outputs_ = std::move(outputs);
    }

    void apply_events(const clap_input_events_t& in) {
        for (uint32_t i = 0, n = in.size(&in); i < n; ++i)
            on_event(*in.get(&in, i));
    }

    // Splits the block at each event's time, so an event takes effect exactly at its sample.
    template <class Render>
    void render_between_events(const clap_process_t& process, Render render) {
        const clap_input_events_t* in = process.in_events;
        const uint32_t count = in ? in->size(in) : 0;
        uint32_t next = 0;
        uint32_t start = 0;
        while (start < process.frames_count) {
            for (; next < count && in->get(in, next)->time <= start; ++next)
                on_event(*in->get(in, next));
            uint32_t end = process.frames_count;
            if (next < count && in->get(in, next)->time < end)
                end = in->get(in, next)->time;
            render(start, end);
            start = end;
        }
        // Events stamped past the end of the block still count.
        for (; next < count; ++next)
            on_event(*in->get(in, next));
    }

    // Null when the host did not provide that port or channel.
    static const float* input(const clap_process_t& process, uint32_t port, uint32_t channel) {
        return channel_of(process.audio_inputs, process.audio_inputs_count, port, channel);
    }
    static float* output(const clap_process_t& process, uint32_t port, uint32_t channel) {
        return channel_of(process.audio_outputs, process.audio_outputs_count, port, channel);
    }

    // Main output = main input * gain; output channels without a matching input go silent.
    static void copy_main(const clap_process_t& process, uint32_t start, uint32_t end, float gain = 1.0f) {
        for (uint32_t c = 0; float* out = output(process, 0, c); ++c) {
            const float* in = input(process, 0, c);
            for (uint32_t i = start; i < end; ++i)
                out[i] = in ? in[i] * gain : 0.0f;
        }
    }

    double sample_rate_ = 0.0;

private:
    static Plugin* self(const clap_plugin_t* plugin) { return static_cast<Plugin*>(plugin->plugin_data); }

    static float* channel_of(const clap_audio_buffer_t* buffers, uint32_t count, uint32_t port, uint32_t channel) {
        if (port >= count || !buffers[port].data32 || channel >= buffers[port].channel_count)
            return nullptr;
        return buffers[port].data32[channel];
    }

    static const clap_plugin_audio_ports_t audio_ports_ext;

    clap_plugin_t clap_{};
    const std::vector<AudioPort> inputs_;
    const std::vector<AudioPort> outputs_;
    std::vector<NotePort> note_inputs_;
    std::vector<NotePort> note_outputs_;
};

inline const clap_plugin_audio_ports_t Plugin::audio_ports_ext = {
    [](const clap_plugin_t* p, bool is_input) {
        return static_cast<uint32_t>((is_input ? self(p)->inputs_ : self(p)->outputs_).size());
    },
    [](const clap_plugin_t* p, uint32_t index, bool is_input, clap_audio_port_info_t* info) {
        const auto& ports = is_input ? self(p)->inputs_ : self(p)->outputs_;
        if (index >= ports.size())
            return false;
        const AudioPort& port = ports[index];
        info->id = index;
        std::snprintf(info->name, sizeof(info->name), "%s", port.name);
        info->flags = port.is_main ? CLAP_AUDIO_PORT_IS_MAIN : 0;
        info->channel_count = port.channel_count;
        info->port_type = port.channel_count == 1   ? CLAP_PORT_MONO
                          : port.channel_count == 2 ? CLAP_PORT_STEREO
                                                    : nullptr;
        info->in_place_pair = CLAP_INVALID_ID;
        return true;
    },
};

inline const clap_plugin_note_ports_t Plugin::note_ports_ext = {
    [](const clap_plugin_t* p, bool is_input) {
        return static_cast<uint32_t>((is_input ? self(p)->note_inputs_ : self(p)->note_outputs_).size());
    },
    [](const clap_plugin_t* p, uint32_t index, bool is_input, clap_note_port_info_t* info) {
        const auto& ports = is_input ? self(p)->note_inputs_ : self(p)->note_outputs_;
        if (index >= ports.size())
            return false;
        *info = clap_note_port_info_t{};
        info->id = index;
        info->supported_dialects = ports[index].supported_dialects;
        info->preferred_dialect = ports[index].preferred_dialect;
        std::snprintf(info->name, sizeof(info->name), "%s", ports[index].name);
        return true;
    },
};

inline const clap_plugin_params_t Plugin::params_ext = {
    [](const clap_plugin_t* p) { return self(p)->param_count(); },
    [](const clap_plugin_t* p, uint32_t index, clap_param_info_t* info) {
        *info = clap_param_info_t{};
        return self(p)->param_info(index, *info);
    },
    [](const clap_plugin_t* p, clap_id id, double* value) { return self(p)->param_value(id, *value); },
    [](const clap_plugin_t* p, clap_id id, double value, char* display, uint32_t size) {
        return size > 0 && self(p)->param_to_text(id, value, display, size);
    },
    [](const clap_plugin_t* p, clap_id id, const char* display, double* value) {
        return self(p)->text_to_param(id, display, *value);
    },
    [](const clap_plugin_t* p, const clap_input_events_t* in, const clap_output_events_t*) {
        if (in)
            self(p)->flush(*in);
    },
};

inline const clap_plugin_state_t Plugin::state_ext = {
    [](const clap_plugin_t* p, const clap_ostream_t* stream) { return self(p)->save(*stream); },
    [](const clap_plugin_t* p, const clap_istream_t* stream) { return self(p)->load(*stream); },
};

inline const clap_plugin_latency_t Plugin::latency_ext = {
    [](const clap_plugin_t* p) { return self(p)->latency(); },
};

} // namespace scuff_test
