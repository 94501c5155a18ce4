#pragma once
// The client's block loop for one group: fills device input planes (host inputs plus
// connections between sandboxes, which carry the previous cycle's outputs), starts a
// cycle in every sandbox, waits for all of them (never past the deadline), and copies
// the requested outputs out. Runs without the GIL.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "chunk_memory.hpp"
#include "device_memory.hpp"
#include "scuff/connection_feed.hpp"
#include "sandbox_signals.hpp"

namespace scuff::native {

struct HostInput {
    DeviceMemory* device;
    uint32_t port;
    const float* data;
    size_t frames;  // length of each channel row in `data`
};

struct HostOutput {
    DeviceMemory* device;
    uint32_t port;
    float* data;
    size_t frames;
};

// A connection between devices of two different sandboxes.
struct RouteSpec {
    std::shared_ptr<DeviceMemory> source;
    uint32_t source_port;
    std::shared_ptr<DeviceMemory> target;
    uint32_t target_port;
    uint32_t delay;  // frames of latency compensation
    // Between note ports: the events the source output in the previous cycle.
    bool notes = false;
};

// Events for one device during a run, sorted by frame.
struct HostEvents {
    DeviceMemory* device;
    std::span<const ScheduledEvent> events;
};

class Engine {
public:
    Engine(uint32_t max_frames, double sample_rate) : max_frames_(max_frames), sample_rate_(sample_rate) {}

    uint32_t max_frames() const { return max_frames_; }

    void add_sandbox(std::shared_ptr<SandboxSignals> sandbox);
    void remove_sandbox(const std::shared_ptr<SandboxSignals>& sandbox);
    void add_device(std::shared_ptr<DeviceMemory> device);
    void remove_device(const std::shared_ptr<DeviceMemory>& device);

    // Replaces every connection between sandboxes; the next cycle uses the new ones.
    // Throws std::invalid_argument for ports whose channel counts cannot connect.
    void set_routes(const std::vector<RouteSpec>& routes);

    // Processes `frames` frames in blocks of at most max_frames, delivering each device's
    // events in the block that holds their frame. Returns how many events found no room.
    uint64_t run(const std::vector<HostInput>& inputs, const std::vector<HostOutput>& outputs,
                 const std::vector<HostEvents>& events, size_t frames);

    // run() with many blocks per hand-off (docs/graph.md, "Chunked rendering"): each
    // sandbox of `chunks` is given its blocks a chunk at a time, the sandboxes a chain runs
    // through working on successive chunks at once; a loop across sandboxes runs block by
    // block. The output is run()'s to the bit. Sandboxes without a chunk are left out, as if
    // down. At most `max_chunk_blocks` blocks per chunk.
    uint64_t run_chunked(const std::vector<HostInput>& inputs, const std::vector<HostOutput>& outputs,
                         const std::vector<HostEvents>& events, size_t frames,
                         const std::vector<std::shared_ptr<ChunkMemory>>& chunks, uint32_t max_chunk_blocks);

    // The real-time form of run(), for an audio callback: it never waits for the engine's
    // lock (false, and nothing processed, while another thread holds it), allocates nothing
    // once reserve_event_lists() made room for `events`, and no cycle waits for a sandbox
    // past `deadline` (nor past cycle_timeout). Events that found no room are added to
    // `dropped`.
    bool try_run(const std::vector<HostInput>& inputs, const std::vector<HostOutput>& outputs,
                 const std::vector<HostEvents>& events, size_t frames, os::Clock::time_point deadline,
                 uint64_t& dropped);
    // How long try_run tries to take the engine's lock before it gives up on the cycle.
    static constexpr std::chrono::microseconds kLockPatience{50};
    // Room for `lists` device event lists in try_run.
    void reserve_event_lists(size_t lists);
    // Cycles in which the client stopped waiting for at least one sandbox at the deadline.
    uint64_t late_cycles() const { return late_cycles_.load(std::memory_order_relaxed); }
    // Cycles in which a live sandbox's outputs were silent because it was late: the cycle it
    // missed the deadline in, and each one after until it has caught up.
    uint64_t silenced_cycles() const { return silenced_cycles_.load(std::memory_order_relaxed); }

    // The transport every sandbox is given with the next cycle; it advances as blocks are
    // processed while it plays.
    TransportState transport();
    void set_transport(const TransportState& transport);
    // Every device stops the notes it was sent, at the next cycle's first frame.
    void panic();
    // What `device` output during the last run.
    std::vector<ScheduledEvent> output_events(const DeviceMemory& device);

    // Runs `count` cycles with no host I/O and returns each one's duration in ns.
    std::vector<int64_t> time_cycles(size_t count, uint32_t frames);

    // The longest the client waits for a sandbox in one cycle.
    std::chrono::nanoseconds cycle_timeout{std::chrono::seconds(2)};
    // How long the client spins before it sleeps while waiting for a sandbox.
    std::chrono::nanoseconds client_spin{std::chrono::microseconds(500)};
    // How long each sandbox spins for its next request after a cycle.
    std::chrono::nanoseconds sandbox_spin{std::chrono::microseconds(500)};

private:
    friend class ChunkedRun;
    struct Route {
        RouteSpec spec;
        std::optional<ConnectionFeed> feed;  // audio routes only
    };
    using Routes = std::vector<std::unique_ptr<Route>>;

    uint64_t run_locked(const std::vector<HostInput>& inputs, const std::vector<HostOutput>& outputs,
                        const std::vector<HostEvents>& events, size_t frames, os::Clock::time_point deadline);
    void run_cycle(const std::vector<HostInput>& inputs, size_t offset, uint32_t frames,
                   os::Clock::time_point deadline = os::Clock::time_point::max());
    void choose_ready_sandboxes();
    void write_inputs(const std::vector<HostInput>& inputs, size_t offset, uint32_t frames);
    void write_events(size_t offset, uint32_t frames);
    void feed_routes(uint32_t frames);
    void signal_and_wait(uint32_t frames, os::Clock::time_point deadline);
    void count_silenced_cycle();
    void take_output_events(size_t offset, uint32_t frames);
    void advance_transport(uint32_t frames);
    static void advance(TransportState& transport, uint32_t frames, double sample_rate);
    // Takes the routes set_routes published, if it is not publishing at this moment.
    void take_new_routes();
    void read_outputs(const std::vector<HostOutput>& outputs, size_t offset, uint32_t frames);

    uint32_t max_frames_;
    double sample_rate_;
    std::mutex mutex_;
    TransportState transport_;
    // The run's events and how far each device's list has been delivered.
    const std::vector<HostEvents>* events_ = nullptr;
    std::vector<size_t> event_cursors_;
    uint64_t dropped_events_ = 0;
    std::atomic<uint64_t> late_cycles_{0};
    std::atomic<uint64_t> silenced_cycles_{0};
    std::vector<std::shared_ptr<SandboxSignals>> sandboxes_;
    std::vector<std::shared_ptr<DeviceMemory>> devices_;
    std::vector<SandboxSignals*> signalled_;
    // Frames of the last cycle: what the routes carry into this one.
    uint32_t previous_frames_ = 0;
    // Swapped by set_routes, taken once per cycle by the loop.
    std::mutex routes_mutex_;
    std::shared_ptr<Routes> next_routes_;
    std::shared_ptr<Routes> routes_ = std::make_shared<Routes>();
    std::shared_ptr<Routes> retired_routes_;
};

} // namespace scuff::native
