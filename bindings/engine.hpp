#pragma once
// The client's block loop for one group: fills device input planes (host inputs plus
// connections between sandboxes, which carry the previous cycle's outputs), starts a
// cycle in every sandbox, waits for all of them (never past the deadline), and copies
// the requested outputs out. Runs without the GIL.
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

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
};

class Engine {
public:
    explicit Engine(uint32_t max_frames) : max_frames_(max_frames) {}

    uint32_t max_frames() const { return max_frames_; }

    void add_sandbox(std::shared_ptr<SandboxSignals> sandbox);
    void remove_sandbox(const std::shared_ptr<SandboxSignals>& sandbox);
    void add_device(std::shared_ptr<DeviceMemory> device);
    void remove_device(const std::shared_ptr<DeviceMemory>& device);

    // Replaces every connection between sandboxes; the next cycle uses the new ones.
    // Throws std::invalid_argument for ports whose channel counts cannot connect.
    void set_routes(const std::vector<RouteSpec>& routes);

    // Processes `frames` frames in blocks of at most max_frames.
    void run(const std::vector<HostInput>& inputs, const std::vector<HostOutput>& outputs,
             size_t frames);

    // Runs `count` cycles with no host I/O and returns each one's duration in ns.
    std::vector<int64_t> time_cycles(size_t count, uint32_t frames);

    // The longest the client waits for a sandbox in one cycle.
    std::chrono::nanoseconds cycle_timeout{std::chrono::seconds(2)};
    // How long the client spins before it sleeps while waiting for a sandbox.
    std::chrono::nanoseconds client_spin{std::chrono::microseconds(500)};
    // How long each sandbox spins for its next request after a cycle.
    std::chrono::nanoseconds sandbox_spin{std::chrono::microseconds(500)};

private:
    struct Route {
        RouteSpec spec;
        ConnectionFeed feed;
    };
    using Routes = std::vector<std::unique_ptr<Route>>;

    void run_cycle(const std::vector<HostInput>& inputs, size_t offset, uint32_t frames);
    void choose_ready_sandboxes();
    void write_inputs(const std::vector<HostInput>& inputs, size_t offset, uint32_t frames);
    void feed_routes(uint32_t frames);
    void signal_and_wait(uint32_t frames);
    void read_outputs(const std::vector<HostOutput>& outputs, size_t offset, uint32_t frames);

    uint32_t max_frames_;
    std::mutex mutex_;
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
