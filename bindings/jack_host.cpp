#include "jack_host.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace scuff::native {

using os::Clock;

namespace {

// The events channel messages become: notes as notes (every plugin takes them), the rest
// as raw MIDI. Anything else (system messages, running status, a short message) is not
// for a note port.
bool to_note_event(const uint8_t* bytes, size_t size, uint32_t port, NoteEvent& event) {
    if (size == 0 || bytes[0] < 0x80 || bytes[0] >= 0xF0) {
        return false;
    }
    uint8_t status = bytes[0] & 0xF0;
    size_t expected = (status == 0xC0 || status == 0xD0) ? 2 : 3;
    if (size < expected) {
        return false;
    }
    for (size_t i = 1; i < expected; ++i) {
        if (bytes[i] > 0x7F) {
            return false;
        }
    }
    event = NoteEvent{};
    event.port = static_cast<uint16_t>(port);
    event.channel = bytes[0] & 0x0F;
    event.note_id = -1;
    if (status == 0x90 || status == 0x80) {
        bool on = status == 0x90 && bytes[2] > 0;
        event.kind = on ? NoteEventKind::NoteOn : NoteEventKind::NoteOff;
        event.key = bytes[1];
        event.velocity = status == 0x80 ? bytes[2] / 127.0f : on ? bytes[2] / 127.0f : 0.0f;
        return true;
    }
    event.kind = NoteEventKind::Midi;
    event.midi_size = static_cast<uint8_t>(expected);
    std::memcpy(event.midi, bytes, expected);
    return true;
}

constexpr size_t kEventsPerDevice = EventRing::capacity;

// Raises a meter to the period's highest absolute sample. The meter's reader resets it at
// any moment, so the raise is a compare-and-swap, never a plain store over the reset. NaN
// from a plugin counts as no level (fabs(NaN) > x is false).
void raise_peak(std::atomic<float>& meter, const float* samples, size_t frames) {
    float peak = 0.0f;
    for (size_t i = 0; i < frames; ++i) {
        float level = std::fabs(samples[i]);
        if (level > peak) {
            peak = level;
        }
    }
    float seen = meter.load(std::memory_order_relaxed);
    while (peak > seen && !meter.compare_exchange_weak(seen, peak, std::memory_order_relaxed)) {
    }
}

} // namespace

namespace {

jack_client_t* open_client(const JackApi& api, const std::string& client_name, const std::string& server_name) {
    int status = 0;
    int options = jack::kNoStartServer | (server_name.empty() ? 0 : jack::kServerName);
    jack_client_t* client = api.client_open(client_name.c_str(), options, &status, server_name.c_str());
    if (!client) {
        std::string server = server_name.empty() ? "the default JACK server" : "JACK server '" + server_name + "'";
        if (status & jack::kServerFailed) {
            throw JackError("cannot connect to " + server + ": is jackd running (or PipeWire, for pw-jack)?");
        }
        throw JackError("cannot open a JACK client on " + server + " (status 0x" + std::to_string(status) + ")");
    }
    return client;
}

} // namespace

std::pair<uint32_t, uint32_t> jack_server_info(const std::string& server_name) {
    const JackApi& api = jack_api();
    jack_client_t* client = open_client(api, "scuff-probe", server_name);
    std::pair<uint32_t, uint32_t> info{api.get_sample_rate(client), api.get_buffer_size(client)};
    api.client_close(client);
    return info;
}

JackHost::JackHost(Engine& engine, double sample_rate, const std::string& client_name,
                   const std::string& server_name, std::vector<JackAudioSpec> inputs,
                   std::vector<JackAudioSpec> outputs, std::vector<JackMidiSpec> midi, double deadline_share,
                   uint32_t max_frames)
    : jack_(jack_api()), engine_(engine), sample_rate_(sample_rate), max_frames_(max_frames),
      deadline_share_(deadline_share) {
    client_ = open_client(jack_, client_name, server_name);
    try {
        jack_nframes_t rate = jack_.get_sample_rate(client_);
        if (static_cast<double>(rate) != sample_rate_) {
            throw JackError("the JACK server runs at " + std::to_string(rate) + " Hz and the group at " +
                            std::to_string(static_cast<long>(sample_rate_)) +
                            " Hz: create the group at the server's rate");
        }
        server_rate_ = rate;
        buffer_size_ = jack_.get_buffer_size(client_);
        auto register_audio = [&](std::vector<JackAudioSpec>& specs, std::vector<AudioMapping>& mappings,
                                  unsigned long flags) {
            for (auto& spec : specs) {
                AudioMapping mapping{std::move(spec), {}, {}};
                for (const auto& name : mapping.spec.names) {
                    jack_port_t* port = jack_.port_register(client_, name.c_str(), jack::kAudioType, flags, 0);
                    if (!port) {
                        throw JackError("cannot register the JACK port '" + name + "'");
                    }
                    mapping.ports.push_back(port);
                }
                mapping.scratch.assign(mapping.ports.size() * max_frames_, 0.0f);
                mappings.push_back(std::move(mapping));
            }
        };
        register_audio(inputs, inputs_, jack::kPortIsInput);
        register_audio(outputs, outputs_, jack::kPortIsOutput);
        for (auto& spec : midi) {
            MidiMapping mapping{std::move(spec), nullptr, 0};
            mapping.port = jack_.port_register(client_, mapping.spec.name.c_str(), jack::kMidiType,
                                               jack::kPortIsInput, 0);
            if (!mapping.port) {
                throw JackError("cannot register the JACK MIDI port '" + mapping.spec.name + "'");
            }
            auto found = std::find_if(host_events_.begin(), host_events_.end(), [&](const HostEvents& events) {
                return events.device == mapping.spec.device.get();
            });
            mapping.device_list = static_cast<size_t>(found - host_events_.begin());
            if (found == host_events_.end()) {
                host_events_.push_back({mapping.spec.device.get(), {}});
                event_storage_.emplace_back(kEventsPerDevice);
            }
            midi_.push_back(std::move(mapping));
        }
        event_counts_.assign(host_events_.size(), 0);
        for (auto& mapping : inputs_) {
            host_inputs_.push_back({mapping.spec.device.get(), mapping.spec.port, mapping.scratch.data(), max_frames_});
        }
        for (auto& mapping : outputs_) {
            host_outputs_.push_back({mapping.spec.device.get(), mapping.spec.port, mapping.scratch.data(), max_frames_});
            output_channels_ += mapping.ports.size();
        }
        output_peaks_ = std::make_unique<std::atomic<float>[]>(output_channels_);
        for (size_t channel = 0; channel < output_channels_; ++channel) {
            output_peaks_[channel].store(0.0f, std::memory_order_relaxed);
        }
        engine_.reserve_event_lists(host_events_.size());
        jack_.set_process_callback(client_, &JackHost::process_callback, this);
        jack_.set_xrun_callback(client_, &JackHost::xrun_callback, this);
        jack_.set_buffer_size_callback(client_, &JackHost::buffer_size_callback, this);
        jack_.set_sample_rate_callback(client_, &JackHost::sample_rate_callback, this);
        jack_.on_shutdown(client_, &JackHost::shutdown_callback, this);
    } catch (...) {
        jack_.client_close(client_);
        client_ = nullptr;
        throw;
    }
}

JackHost::~JackHost() { close(); }

void JackHost::check_open() const {
    if (!client_) {
        throw JackError("the JACK client is closed");
    }
}

void JackHost::activate() {
    check_open();
    if (active_) {
        return;
    }
    if (jack_.activate(client_) != 0) {
        throw JackError("the JACK server refused to activate the client");
    }
    active_ = true;
}

void JackHost::deactivate() {
    if (client_ && active_) {
        // Returns once the process callback has finished its last cycle.
        jack_.deactivate(client_);
        active_ = false;
    }
}

void JackHost::close() {
    deactivate();
    if (client_) {
        jack_.client_close(client_);
        client_ = nullptr;
    }
}

std::string JackHost::client_name() const {
    check_open();
    return jack_.get_client_name(client_);
}

int JackHost::realtime_priority() const {
    check_open();
    return jack_.is_realtime(client_) ? std::max(jack_.client_real_time_priority(client_), 0) : 0;
}

std::vector<std::string> JackHost::input_ports() const {
    std::vector<std::string> names;
    for (const auto& mapping : inputs_) {
        for (auto* port : mapping.ports) {
            names.push_back(jack_.port_name(port));
        }
    }
    return names;
}

std::vector<std::string> JackHost::output_ports() const {
    std::vector<std::string> names;
    for (const auto& mapping : outputs_) {
        for (auto* port : mapping.ports) {
            names.push_back(jack_.port_name(port));
        }
    }
    return names;
}

std::vector<std::string> JackHost::midi_ports() const {
    std::vector<std::string> names;
    for (const auto& mapping : midi_) {
        names.push_back(jack_.port_name(mapping.port));
    }
    return names;
}

void JackHost::connect(const std::string& source, const std::string& destination) {
    check_open();
    int error = jack_.connect(client_, source.c_str(), destination.c_str());
    if (error != 0 && error != EEXIST) {
        throw JackError("cannot connect JACK port '" + source + "' to '" + destination + "'");
    }
}

void JackHost::disconnect(const std::string& source, const std::string& destination) {
    check_open();
    if (jack_.disconnect(client_, source.c_str(), destination.c_str()) != 0) {
        throw JackError("JACK port '" + source + "' is not connected to '" + destination + "'");
    }
}

std::vector<std::string> JackHost::find_ports(const std::string& pattern, const std::string& type, bool outputs,
                                              bool physical) const {
    check_open();
    const char* type_pattern = type == "audio" ? jack::kAudioType : type == "midi" ? jack::kMidiType : nullptr;
    unsigned long flags =
        (outputs ? jack::kPortIsOutput : jack::kPortIsInput) | (physical ? jack::kPortIsPhysical : 0);
    const char** ports = jack_.get_ports(client_, pattern.empty() ? nullptr : pattern.c_str(), type_pattern, flags);
    std::vector<std::string> names;
    if (ports) {
        for (const char** port = ports; *port; ++port) {
            names.emplace_back(*port);
        }
        jack_.free(ports);
    }
    return names;
}

JackStats JackHost::stats() const {
    JackStats stats;
    stats.cycles = cycles_.load(std::memory_order_relaxed);
    stats.xruns = xruns_.load(std::memory_order_relaxed);
    stats.overruns = overruns_.load(std::memory_order_relaxed);
    stats.late_cycles = engine_.late_cycles() - late_cycles_at_reset_;
    stats.busy_cycles = busy_cycles_.load(std::memory_order_relaxed);
    stats.refused_cycles = refused_cycles_.load(std::memory_order_relaxed);
    stats.dropped_events = dropped_events_.load(std::memory_order_relaxed);
    stats.ignored_midi = ignored_midi_.load(std::memory_order_relaxed);
    stats.buffer_size = buffer_size_.load(std::memory_order_relaxed);
    stats.sample_rate = server_rate_.load(std::memory_order_relaxed);
    stats.cpu_load = client_ ? jack_.cpu_load(client_) : 0.0f;
    stats.max_cycle_ns = max_cycle_ns_.load(std::memory_order_relaxed);
    stats.server_gone = shut_down_.load(std::memory_order_relaxed);
    return stats;
}

std::vector<int64_t> JackHost::cycle_times(size_t count) const {
    uint64_t written = times_written_.load(std::memory_order_acquire);
    uint64_t available = std::min<uint64_t>({written - std::min(written, times_at_reset_), kTimes, count});
    std::vector<int64_t> times;
    times.reserve(available);
    for (uint64_t i = written - available; i < written; ++i) {
        times.push_back(times_[i % kTimes].load(std::memory_order_relaxed));
    }
    return times;
}

void JackHost::reset_stats() {
    cycles_ = 0;
    xruns_ = 0;
    overruns_ = 0;
    busy_cycles_ = 0;
    refused_cycles_ = 0;
    dropped_events_ = 0;
    ignored_midi_ = 0;
    max_cycle_ns_ = 0;
    late_cycles_at_reset_ = engine_.late_cycles();
    times_at_reset_ = times_written_.load(std::memory_order_acquire);
    process_incidents_at_reset_ = process_incidents_.written();
    xrun_incidents_at_reset_ = xrun_incidents_.written();
}

std::vector<Incident> JackHost::incidents() const {
    auto found = process_incidents_.since(process_incidents_at_reset_);
    auto xruns = xrun_incidents_.since(xrun_incidents_at_reset_);
    found.insert(found.end(), xruns.begin(), xruns.end());
    std::stable_sort(found.begin(), found.end(), [](const Incident& a, const Incident& b) {
        return a.frame < b.frame;
    });
    return found;
}

void JackHost::set_deadline_share(double share) {
    if (!(share > 0.0 && share <= 1.0)) {
        throw std::invalid_argument("the deadline is a share of the period, more than 0 and at most 1");
    }
    deadline_share_.store(share, std::memory_order_relaxed);
}

int JackHost::process_callback(jack_nframes_t frames, void* self) {
    return static_cast<JackHost*>(self)->process(frames);
}

int JackHost::xrun_callback(void* self) {
    auto* host = static_cast<JackHost*>(self);
    host->xruns_.fetch_add(1, std::memory_order_relaxed);
    host->xrun_incidents_.add({host->jack_.frame_time(host->client_),
                               host->buffer_size_.load(std::memory_order_relaxed), IncidentKind::xrun});
    return 0;
}

int JackHost::buffer_size_callback(jack_nframes_t frames, void* self) {
    // Nothing to reallocate: a period longer than max_frames is refused (silence) and
    // counted, and any shorter one is processed in blocks of the group's block size.
    static_cast<JackHost*>(self)->buffer_size_.store(frames, std::memory_order_relaxed);
    return 0;
}

int JackHost::sample_rate_callback(jack_nframes_t rate, void* self) {
    static_cast<JackHost*>(self)->server_rate_.store(rate, std::memory_order_relaxed);
    return 0;
}

void JackHost::shutdown_callback(void* self) {
    static_cast<JackHost*>(self)->shut_down_.store(true, std::memory_order_relaxed);
}

std::vector<float> JackHost::take_output_peaks() {
    std::vector<float> peaks(output_channels_);
    for (size_t channel = 0; channel < output_channels_; ++channel) {
        peaks[channel] = output_peaks_[channel].exchange(0.0f, std::memory_order_relaxed);
    }
    return peaks;
}

void JackHost::silence(jack_nframes_t frames) {
    for (auto& mapping : outputs_) {
        for (auto* port : mapping.ports) {
            std::memset(jack_.port_get_buffer(port, frames), 0, frames * sizeof(float));
        }
    }
}

size_t JackHost::gather_midi(jack_nframes_t frames) {
    std::fill(event_counts_.begin(), event_counts_.end(), 0);
    size_t total = 0;
    for (auto& mapping : midi_) {
        void* buffer = jack_.port_get_buffer(mapping.port, frames);
        uint32_t count = jack_.midi_get_event_count(buffer);
        auto& storage = event_storage_[mapping.device_list];
        size_t& stored = event_counts_[mapping.device_list];
        for (uint32_t i = 0; i < count; ++i) {
            jack::MidiEvent midi;
            NoteEvent event;
            if (jack_.midi_event_get(&midi, buffer, i) != 0 ||
                !to_note_event(midi.buffer, midi.size, mapping.spec.note_port, event) || stored == storage.size()) {
                ignored_midi_.fetch_add(1, std::memory_order_relaxed);
                continue;
            }
            uint64_t frame = std::min<jack_nframes_t>(midi.time, frames - 1);
            // Each port's events come in time order; ports that feed one device are merged.
            size_t position = stored;
            while (position > 0 && storage[position - 1].frame > frame) {
                storage[position] = storage[position - 1];
                --position;
            }
            storage[position] = ScheduledEvent{frame, event};
            ++stored;
            ++total;
        }
    }
    for (size_t list = 0; list < host_events_.size(); ++list) {
        host_events_[list].events = {event_storage_[list].data(), event_counts_[list]};
    }
    return total;
}

int JackHost::process(jack_nframes_t frames) {
    auto started = Clock::now();
    uint64_t frame = jack_.last_frame_time(client_);
    cycles_.fetch_add(1, std::memory_order_relaxed);
    if (frames > max_frames_ || server_rate_.load(std::memory_order_relaxed) != static_cast<uint32_t>(sample_rate_)) {
        refused_cycles_.fetch_add(1, std::memory_order_relaxed);
        process_incidents_.add({frame, frames, IncidentKind::refused});
        silence(frames);
        return 0;
    }
    for (auto& mapping : inputs_) {
        for (size_t channel = 0; channel < mapping.ports.size(); ++channel) {
            std::memcpy(mapping.scratch.data() + channel * max_frames_,
                        jack_.port_get_buffer(mapping.ports[channel], frames), frames * sizeof(float));
        }
    }
    gather_midi(frames);
    auto period = std::chrono::duration<double>(frames / sample_rate_);
    auto deadline = started + std::chrono::duration_cast<Clock::duration>(
                                  period * deadline_share_.load(std::memory_order_relaxed));
    uint64_t dropped = 0;
    uint64_t silenced_before = engine_.silenced_cycles();
    if (!engine_.try_run(host_inputs_, host_outputs_, host_events_, frames, deadline, dropped)) {
        busy_cycles_.fetch_add(1, std::memory_order_relaxed);
        process_incidents_.add({frame, frames, IncidentKind::busy});
        for (auto& mapping : outputs_) {
            std::fill(mapping.scratch.begin(), mapping.scratch.end(), 0.0f);
        }
    } else if (engine_.silenced_cycles() != silenced_before) {
        process_incidents_.add({frame, frames, IncidentKind::late});
    }
    if (dropped) {
        dropped_events_.fetch_add(dropped, std::memory_order_relaxed);
    }
    size_t meter = 0;
    for (auto& mapping : outputs_) {
        for (size_t channel = 0; channel < mapping.ports.size(); ++channel, ++meter) {
            const float* samples = mapping.scratch.data() + channel * max_frames_;
            std::memcpy(jack_.port_get_buffer(mapping.ports[channel], frames), samples, frames * sizeof(float));
            raise_peak(output_peaks_[meter], samples, frames);
        }
    }
    auto elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - started).count();
    uint64_t written = times_written_.load(std::memory_order_relaxed);
    times_[written % kTimes].store(elapsed, std::memory_order_relaxed);
    times_written_.store(written + 1, std::memory_order_release);
    if (elapsed > max_cycle_ns_.load(std::memory_order_relaxed)) {
        max_cycle_ns_.store(elapsed, std::memory_order_relaxed);
    }
    if (elapsed > std::chrono::duration_cast<std::chrono::nanoseconds>(period).count()) {
        overruns_.fetch_add(1, std::memory_order_relaxed);
        process_incidents_.add({frame, frames, IncidentKind::overrun});
    }
    return 0;
}

} // namespace scuff::native
