#include "engine.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>

namespace scuff::native {

using os::Clock;

void Engine::add_sandbox(std::shared_ptr<SandboxSignals> sandbox) {
    std::lock_guard lock(mutex_);
    sandboxes_.push_back(std::move(sandbox));
    signalled_.reserve(sandboxes_.size());
}

void Engine::remove_sandbox(const std::shared_ptr<SandboxSignals>& sandbox) {
    std::lock_guard lock(mutex_);
    std::erase(sandboxes_, sandbox);
    std::erase_if(devices_, [&](const auto& device) { return &device->sandbox() == sandbox.get(); });
}

void Engine::add_device(std::shared_ptr<DeviceMemory> device) {
    std::lock_guard lock(mutex_);
    devices_.push_back(std::move(device));
}

void Engine::remove_device(const std::shared_ptr<DeviceMemory>& device) {
    std::lock_guard lock(mutex_);
    std::erase(devices_, device);
}

void Engine::set_routes(const std::vector<RouteSpec>& specs) {
    auto routes = std::make_shared<Routes>();
    for (const auto& spec : specs) {
        if (!spec.notes && (spec.source_port >= spec.source->layout().output_count() ||
                            spec.target_port >= spec.target->layout().input_count())) {
            throw std::invalid_argument("a route names a port the device does not have");
        }
        if (spec.notes) {
            // Note ports are the sandbox's to check: the client's memory does not know them.
            routes->push_back(std::make_unique<Route>(Route{spec, std::nullopt}));
            continue;
        }
        uint32_t source_channels = spec.source->layout().output_channels(spec.source_port);
        uint32_t target_channels = spec.target->layout().input_channels(spec.target_port);
        routes->push_back(std::make_unique<Route>(
            Route{spec, ConnectionFeed(source_channels, target_channels, spec.delay, max_frames_)}));
    }
    std::shared_ptr<Routes> retired;
    {
        std::lock_guard lock(routes_mutex_);
        std::swap(next_routes_, routes);
        std::swap(retired_routes_, retired);
    }
    // `routes` (never used) and `retired` are freed here, on the caller's thread: the
    // device memories they hold may belong to Python objects, whose release needs the GIL.
}

void Engine::choose_ready_sandboxes() {
    for (auto& sandbox : sandboxes_) {
        bool alive = sandbox->alive.load(std::memory_order_relaxed);
        if (sandbox->revived.exchange(false)) {
            sandbox->late = false;
            sandbox->ready = false;
            sandbox->is_late = false;
            sandbox->consecutive_missed = 0;
        }
        sandbox->fresh_outputs = alive && sandbox->ready && !sandbox->late;
        if (alive && sandbox->late &&
            sandbox->control().completed_cycle.load(std::memory_order_acquire) == sandbox->cycle) {
            // Caught up; what it wrote so late is not passed on.
            sandbox->late = false;
        } else if (alive && sandbox->late) {
            // A late sandbox gets no new cycle, nor new inputs, until it has finished the
            // one it was given: it must never be writing a block while the client reads it.
            ++sandbox->missed_cycles;
            sandbox->consecutive_missed.fetch_add(1, std::memory_order_relaxed);
        }
        sandbox->ready = alive && !sandbox->late;
    }
}

void Engine::write_inputs(const std::vector<HostInput>& inputs, size_t offset, uint32_t frames) {
    // Every input plane starts the cycle silent; the host's signals and the routes are
    // then added, so everything aimed at one port sums.
    for (const auto& device : devices_) {
        if (!device->sandbox().ready) {
            continue;
        }
        const auto& layout = device->layout();
        for (size_t port = 0; port < layout.input_count(); ++port) {
            for (uint32_t channel = 0; channel < layout.input_channels(port); ++channel) {
                std::memset(device->input_plane(port, channel), 0, frames * sizeof(float));
            }
        }
    }
    for (const auto& input : inputs) {
        if (!input.device->sandbox().ready) {
            continue;
        }
        uint32_t channels = input.device->layout().input_channels(input.port);
        for (uint32_t channel = 0; channel < channels; ++channel) {
            float* plane = input.device->input_plane(input.port, channel);
            const float* source = input.data + channel * input.frames + offset;
            for (uint32_t frame = 0; frame < frames; ++frame) {
                plane[frame] += source[frame];
            }
        }
    }
}

void Engine::take_new_routes() {
    // Never waits: while set_routes holds the lock, the swap waits for the next cycle.
    std::unique_lock lock(routes_mutex_, std::try_to_lock);
    if (lock.owns_lock() && next_routes_) {
        // Freed by the next set_routes, never on this thread. That call emptied this
        // slot when it published next_routes_, so nothing is overwritten here.
        retired_routes_ = std::move(routes_);
        routes_ = std::move(next_routes_);
    }
}

void Engine::feed_routes(uint32_t frames) {
    take_new_routes();
    std::array<const float*, kMaxChannelsPerPort> source_planes;
    std::array<float*, kMaxChannelsPerPort> target_planes;
    for (auto& route : *routes_) {
        const auto& spec = route->spec;
        if (!spec.target->sandbox().ready) {
            continue;
        }
        if (spec.notes) {
            if (!spec.source->sandbox().fresh_outputs) {
                continue;
            }
            for (NoteEvent event : spec.source->last_events()) {
                if (event.port == spec.source_port) {
                    event.port = static_cast<uint16_t>(spec.target_port);
                    dropped_events_ += !spec.target->header().events_in.push(event);
                }
            }
            continue;
        }
        uint32_t valid = spec.source->sandbox().fresh_outputs ? previous_frames_ : 0;
        uint32_t source_channels = spec.source->layout().output_channels(spec.source_port);
        uint32_t target_channels = spec.target->layout().input_channels(spec.target_port);
        for (uint32_t channel = 0; channel < source_channels; ++channel) {
            source_planes[channel] = spec.source->output_plane(spec.source_port, channel);
        }
        for (uint32_t channel = 0; channel < target_channels; ++channel) {
            target_planes[channel] = spec.target->input_plane(spec.target_port, channel);
        }
        route->feed->feed({source_planes.data(), source_channels}, valid, {target_planes.data(), target_channels},
                          frames);
    }
}

void Engine::write_events(size_t offset, uint32_t frames) {
    for (const auto& device : devices_) {
        if (device->sandbox().ready) {
            // Left over from a cycle the client stopped waiting for: not this cycle's.
            device->header().events_out.drain([](const NoteEvent&) {});
        }
    }
    if (!events_) {
        return;
    }
    for (size_t list = 0; list < events_->size(); ++list) {
        const auto& [device, events] = (*events_)[list];
        size_t& cursor = event_cursors_[list];
        bool ready = device->sandbox().ready;
        for (; cursor < events.size() && events[cursor].frame < offset + frames; ++cursor) {
            if (!ready) {
                continue;  // A sandbox that is down misses its events, as it misses its audio.
            }
            NoteEvent event = events[cursor].event;
            event.frame = static_cast<uint32_t>(events[cursor].frame - std::min<uint64_t>(events[cursor].frame, offset));
            dropped_events_ += !device->header().events_in.push(event);
        }
    }
}

void Engine::take_output_events(size_t offset, uint32_t frames) {
    for (const auto& device : devices_) {
        const auto& sandbox = device->sandbox();
        if (sandbox.ready && !sandbox.late && sandbox.alive.load(std::memory_order_relaxed)) {
            device->take_events(offset, frames);
        } else {
            device->forget_last_events();
        }
    }
}

void Engine::advance_transport(uint32_t frames) {
    advance(transport_, frames, sample_rate_);
}

void Engine::advance(TransportState& transport, uint32_t frames, double sample_rate) {
    if (!(transport.flags & TransportState::kPlaying)) {
        return;
    }
    double seconds = frames / sample_rate;
    transport.position_seconds += seconds;
    transport.position_beats += seconds * transport.tempo / 60.0;
    double loop = transport.loop_end_beats - transport.loop_start_beats;
    if ((transport.flags & TransportState::kLoopActive) && loop > 0.0 &&
        transport.position_beats >= transport.loop_end_beats) {
        // Blocks carry the transport of their first frame, so a loop wraps between blocks.
        transport.position_beats -= loop;
        transport.position_seconds -= loop * 60.0 / transport.tempo;
    }
}

TransportState Engine::transport() {
    std::lock_guard lock(mutex_);
    return transport_;
}

void Engine::set_transport(const TransportState& transport) {
    std::lock_guard lock(mutex_);
    uint64_t panic_count = transport_.panic_count;
    transport_ = transport;
    transport_.panic_count = panic_count;
}

void Engine::panic() {
    std::lock_guard lock(mutex_);
    ++transport_.panic_count;
}

std::vector<ScheduledEvent> Engine::output_events(const DeviceMemory& device) {
    std::lock_guard lock(mutex_);
    auto events = device.run_events();
    return {events.begin(), events.end()};
}

void Engine::signal_and_wait(uint32_t frames, Clock::time_point run_deadline) {
    signalled_.clear();
    for (auto& sandbox : sandboxes_) {
        if (!sandbox->ready) {
            continue;
        }
        auto& control = sandbox->control();
        // Written only when it changed: a stopped transport costs the sandbox's cache nothing.
        if (std::memcmp(&control.transport, &transport_, sizeof transport_) != 0) {
            control.transport = transport_;
        }
        // The sandbox spins reading this cache line: write only what changed, so each
        // cycle moves the line between cores as few times as possible.
        auto spin_ns = static_cast<uint32_t>(sandbox_spin.count());
        if (control.sandbox_spin_ns.load(std::memory_order_relaxed) != spin_ns) {
            control.sandbox_spin_ns.store(spin_ns, std::memory_order_relaxed);
        }
        if (control.frames.load(std::memory_order_relaxed) != frames) {
            control.frames.store(frames, std::memory_order_relaxed);
        }
        // One block in the device planes, whatever a chunked run asked for last.
        if (control.chunk_blocks.load(std::memory_order_relaxed) != 0) {
            control.chunk_blocks.store(0, std::memory_order_relaxed);
        }
        control.requested_cycle.store(++sandbox->cycle, std::memory_order_release);
        os::notify(control.to_sandbox);
        signalled_.push_back(sandbox.get());
    }
    auto started = Clock::now();
    auto spin_until = started + client_spin;
    auto deadline = std::min(started + cycle_timeout, run_deadline);
    bool any_late = false;
    for (SandboxSignals* sandbox : signalled_) {
        auto& control = sandbox->control();
        uint64_t cycle = sandbox->cycle;
        bool done = os::wait_for(
            control.to_client,
            [&] {
                return control.completed_cycle.load(std::memory_order_acquire) == cycle ||
                       !sandbox->alive.load(std::memory_order_relaxed);
            },
            spin_until, deadline);
        if (!done || control.completed_cycle.load(std::memory_order_acquire) != cycle) {
            sandbox->late = true;
            any_late = true;
            ++sandbox->missed_cycles;
            sandbox->consecutive_missed.fetch_add(1, std::memory_order_relaxed);
        } else {
            sandbox->consecutive_missed.store(0, std::memory_order_relaxed);
        }
        sandbox->is_late.store(sandbox->late, std::memory_order_relaxed);
    }
    if (any_late) {
        late_cycles_.fetch_add(1, std::memory_order_relaxed);
    }
}

void Engine::run_cycle(const std::vector<HostInput>& inputs, size_t offset, uint32_t frames,
                       Clock::time_point deadline) {
    choose_ready_sandboxes();
    write_inputs(inputs, offset, frames);
    write_events(offset, frames);
    feed_routes(frames);
    signal_and_wait(frames, deadline);
    count_silenced_cycle();
    take_output_events(offset, frames);
    advance_transport(frames);
    previous_frames_ = frames;
}

void Engine::count_silenced_cycle() {
    for (const auto& sandbox : sandboxes_) {
        if (sandbox->late && sandbox->alive.load(std::memory_order_relaxed)) {
            silenced_cycles_.fetch_add(1, std::memory_order_relaxed);
            return;
        }
    }
}

void Engine::read_outputs(const std::vector<HostOutput>& outputs, size_t offset, uint32_t frames) {
    for (const auto& output : outputs) {
        const auto& sandbox = output.device->sandbox();
        bool silent = sandbox.late || !sandbox.alive.load(std::memory_order_relaxed);
        uint32_t channels = output.device->layout().output_channels(output.port);
        for (uint32_t channel = 0; channel < channels; ++channel) {
            float* target = output.data + channel * output.frames + offset;
            if (silent) {
                std::memset(target, 0, frames * sizeof(float));
            } else {
                std::memcpy(target, output.device->output_plane(output.port, channel), frames * sizeof(float));
            }
        }
    }
}

uint64_t Engine::run(const std::vector<HostInput>& inputs, const std::vector<HostOutput>& outputs,
                     const std::vector<HostEvents>& events, size_t frames) {
    std::lock_guard lock(mutex_);
    return run_locked(inputs, outputs, events, frames, Clock::time_point::max());
}

bool Engine::try_run(const std::vector<HostInput>& inputs, const std::vector<HostOutput>& outputs,
                     const std::vector<HostEvents>& events, size_t frames, Clock::time_point deadline,
                     uint64_t& dropped) {
    // Another thread holds the engine only for a few microseconds (adding a device, reading
    // the transport): it is given that long, never more, and never waited for asleep.
    std::unique_lock lock(mutex_, std::try_to_lock);
    auto give_up = Clock::now() + kLockPatience;
    while (!lock.owns_lock()) {
        if (Clock::now() >= give_up) {
            return false;
        }
        lock.try_lock();
    }
    dropped += run_locked(inputs, outputs, events, frames, deadline);
    return true;
}

void Engine::reserve_event_lists(size_t lists) {
    std::lock_guard lock(mutex_);
    event_cursors_.reserve(lists);
}

uint64_t Engine::run_locked(const std::vector<HostInput>& inputs, const std::vector<HostOutput>& outputs,
                            const std::vector<HostEvents>& events, size_t frames, Clock::time_point deadline) {
    events_ = &events;
    event_cursors_.assign(events.size(), 0);
    dropped_events_ = 0;
    for (const auto& device : devices_) {
        device->start_run();
    }
    for (size_t offset = 0; offset < frames; offset += max_frames_) {
        auto block = static_cast<uint32_t>(std::min<size_t>(max_frames_, frames - offset));
        run_cycle(inputs, offset, block, deadline);
        read_outputs(outputs, offset, block);
    }
    events_ = nullptr;
    return dropped_events_;
}

std::vector<int64_t> Engine::time_cycles(size_t count, uint32_t frames) {
    std::lock_guard lock(mutex_);
    std::vector<int64_t> durations;
    durations.reserve(count);
    for (size_t i = 0; i < count; ++i) {
        auto started = Clock::now();
        run_cycle({}, 0, std::min(frames, max_frames_));
        durations.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - started).count());
    }
    return durations;
}

} // namespace scuff::native
