#pragma once
// A JACK client that runs a group's engine from its process callback: JACK audio ports
// feed device inputs and take device outputs, JACK MIDI ports feed note inputs. Only this
// file, jack_host.cpp and jack_api.* know JACK; libjack is loaded when the first client
// or probe is made (jack_api.hpp), so the module imports without it.
//
// The process callback takes no lock it could wait for (Engine::try_run), allocates
// nothing, and never calls into Python: everything it touches is made before activation.
#include <atomic>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "device_memory.hpp"
#include "engine.hpp"
#include "jack_api.hpp"
#include "live_incidents.hpp"

namespace scuff::native {

// A device port and the JACK ports of its channels, in channel order.
struct JackAudioSpec {
    std::shared_ptr<DeviceMemory> device;
    uint32_t port;
    std::vector<std::string> names;
};

// A device's note input and the JACK MIDI port that feeds it.
struct JackMidiSpec {
    std::shared_ptr<DeviceMemory> device;
    uint32_t note_port;
    std::string name;
};

// What the client has counted since it was made.
struct JackStats {
    uint64_t cycles = 0;             // process callbacks
    uint64_t xruns = 0;              // xruns the JACK server reported, whoever caused them
    uint64_t overruns = 0;           // callbacks that took longer than the period
    uint64_t late_cycles = 0;        // engine cycles that stopped waiting for a sandbox at the deadline
    uint64_t busy_cycles = 0;        // callbacks silent because another thread held the engine
    uint64_t refused_cycles = 0;     // callbacks silent: buffer too long, or the sample rate is not the group's
    uint64_t dropped_events = 0;     // events with no room in a device's queue
    uint64_t ignored_midi = 0;       // MIDI messages that are no channel message, or too many in a period
    uint32_t buffer_size = 0;
    uint32_t sample_rate = 0;
    float cpu_load = 0;              // JACK's DSP load, percent
    bool server_gone = false;        // the server shut down or dropped the client
    int64_t max_cycle_ns = 0;
};

// The sample rate and period of a running server (empty name: the default one).
std::pair<uint32_t, uint32_t> jack_server_info(const std::string& server_name);

class JackHost {
public:
    // Opens a client named `client_name` on `server_name` (empty: the default server) and
    // registers the ports. `deadline_share` is the part of each period the engine may wait
    // for sandboxes; `max_frames` the longest period it processes.
    JackHost(Engine& engine, double sample_rate, const std::string& client_name, const std::string& server_name,
             std::vector<JackAudioSpec> inputs, std::vector<JackAudioSpec> outputs, std::vector<JackMidiSpec> midi,
             double deadline_share, uint32_t max_frames);
    ~JackHost();
    JackHost(const JackHost&) = delete;
    JackHost& operator=(const JackHost&) = delete;

    void activate();
    void deactivate();
    void close();
    bool active() const { return active_; }

    std::string client_name() const;
    // The SCHED_FIFO priority of JACK's process thread in this client; 0 when the server
    // does not run realtime.
    int realtime_priority() const;
    // Full names ("client:port") of the registered ports.
    std::vector<std::string> input_ports() const;
    std::vector<std::string> output_ports() const;
    std::vector<std::string> midi_ports() const;
    void connect(const std::string& source, const std::string& destination);
    void disconnect(const std::string& source, const std::string& destination);
    // Every port of the server whose full name matches `pattern` (a regular expression;
    // empty: all) and carries `type` ("audio", "midi" or "" for both), with JackPortIsOutput
    // when `outputs` else JackPortIsInput; physical ports only when `physical`.
    std::vector<std::string> find_ports(const std::string& pattern, const std::string& type, bool outputs,
                                        bool physical) const;

    JackStats stats() const;
    // The duration (ns) of the last `count` process callbacks at most, oldest first.
    std::vector<int64_t> cycle_times(size_t count) const;
    // The periods not played as the graph says since the last reset (the last
    // IncidentLog::kCapacity of each kind of source), in the order of their frames.
    std::vector<Incident> incidents() const;
    void reset_stats();
    // The highest absolute sample of each output channel (ports in order, their channels
    // in order) since the last call, which starts each one again from zero: the meters.
    std::vector<float> take_output_peaks();

    double deadline_share() const { return deadline_share_.load(std::memory_order_relaxed); }
    void set_deadline_share(double share);

private:
    struct AudioMapping {
        JackAudioSpec spec;
        std::vector<jack_port_t*> ports;
        std::vector<float> scratch;  // channel rows of max_frames_, as HostInput/HostOutput want them
    };
    struct MidiMapping {
        JackMidiSpec spec;
        jack_port_t* port = nullptr;
        size_t device_list = 0;  // index into host_events_
    };

    static int process_callback(jack_nframes_t frames, void* self);
    static int xrun_callback(void* self);
    static int buffer_size_callback(jack_nframes_t frames, void* self);
    static int sample_rate_callback(jack_nframes_t rate, void* self);
    static void shutdown_callback(void* self);
    int process(jack_nframes_t frames);
    void silence(jack_nframes_t frames);
    size_t gather_midi(jack_nframes_t frames);
    void check_open() const;

    const JackApi& jack_;
    Engine& engine_;
    double sample_rate_;
    uint32_t max_frames_;
    jack_client_t* client_ = nullptr;
    bool active_ = false;
    std::vector<AudioMapping> inputs_;
    std::vector<AudioMapping> outputs_;
    std::vector<MidiMapping> midi_;
    // Made before activation, refilled in place by every callback.
    std::vector<HostInput> host_inputs_;
    std::vector<HostOutput> host_outputs_;
    std::vector<HostEvents> host_events_;
    std::vector<std::vector<ScheduledEvent>> event_storage_;  // one per device in host_events_
    std::vector<size_t> event_counts_;
    std::vector<HostEvents> no_events_;

    std::atomic<double> deadline_share_;
    std::atomic<uint32_t> server_rate_{0};
    std::atomic<uint32_t> buffer_size_{0};
    std::atomic<bool> shut_down_{false};
    std::atomic<uint64_t> cycles_{0}, xruns_{0}, overruns_{0}, busy_cycles_{0}, refused_cycles_{0},
        dropped_events_{0}, ignored_midi_{0};
    std::atomic<int64_t> max_cycle_ns_{0};
    uint64_t late_cycles_at_reset_ = 0;
    static constexpr size_t kTimes = 1 << 17;
    std::unique_ptr<std::atomic<int64_t>[]> times_ = std::make_unique<std::atomic<int64_t>[]>(kTimes);
    std::atomic<uint64_t> times_written_{0};
    uint64_t times_at_reset_ = 0;
    // One per output channel, raised by the process callback, taken by take_output_peaks.
    std::unique_ptr<std::atomic<float>[]> output_peaks_;
    size_t output_channels_ = 0;
    // Written by the process callback, and by the xrun callback on JACK's other thread.
    IncidentLog process_incidents_;
    IncidentLog xrun_incidents_;
    uint64_t process_incidents_at_reset_ = 0;
    uint64_t xrun_incidents_at_reset_ = 0;
};

} // namespace scuff::native
