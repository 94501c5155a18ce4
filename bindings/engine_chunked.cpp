// Engine::run_chunked: the offline block loop with many blocks per hand-off
// (docs/graph.md, "Chunked rendering").
//
// The sandboxes are put in stages: a loop across sandboxes is one stage that runs block by
// block, every other sandbox a stage of its own, and each stage has a depth (the longest
// chain of routes leading to it). In step t, the stage of depth d works on chunk t - d, so a
// chain A -> B has B on chunk n while A is on chunk n + 1: B's block i needs A's block
// i - 1 only, which A finished a step earlier. Each route keeps what its source output in a
// ring of blocks until its target has taken it.
//
// Each sandbox's segment holds two chunks when it has room (double buffering): while a
// sandbox works on one, the client copies the host's inputs and events for its next chunk
// into the other, and the outputs of its previous chunk out of it, so the copies overlap
// the sandboxes' work instead of adding to it.
#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <optional>
#include <stdexcept>
#include <unordered_map>

#include "engine.hpp"

namespace scuff::native {

using os::Clock;

class ChunkedRun {
public:
    ChunkedRun(Engine& engine, const std::vector<HostInput>& inputs, const std::vector<HostOutput>& outputs,
               const std::vector<HostEvents>& events, size_t frames,
               const std::vector<std::shared_ptr<ChunkMemory>>& chunks, uint32_t max_chunk_blocks);

    uint64_t run();

private:
    struct Member {
        DeviceMemory* device;
        size_t index;  // in the chunk's layout
        bool note_inputs;
        bool note_outputs;
    };
    struct Participant {
        SandboxSignals* signals;
        ChunkMemory* chunk;
        std::vector<Member> members;
        // Indices into the run's inputs, outputs and event lists, and the routes into and out of it.
        std::vector<size_t> inputs, outputs, event_lists, routes_in, routes_out;
        size_t component = 0;
        bool lockstep = false;
        uint32_t depth = 0;
        bool taken_before = false;
        // Restarted during the run: the new process has no chunk segment.
        bool excluded = false;
        // The chunk whose host inputs and events are already in the segment, if any.
        std::optional<size_t> prepared;
    };
    struct Place {
        size_t participant;
        size_t member;
    };
    // A route and what its source output, block by block, until the target took it.
    struct RouteRun {
        Engine::Route* route;
        std::optional<Place> source;
        std::optional<Place> target;
        uint32_t channels = 0;
        size_t capacity = 1;  // blocks
        std::vector<float> audio;
        std::vector<uint32_t> valid;
        std::vector<std::vector<NoteEvent>> notes;
    };
    struct Pending {
        Participant* participant;
        uint32_t count;
        uint32_t seen = 0;
        Clock::time_point since;
        bool finished = false;
        bool on_time = false;
        size_t chunk = 0;
    };

    std::optional<Place> place_of(const DeviceMemory* device) const;
    void find_stages();
    void choose_chunk_blocks(uint32_t max_chunk_blocks);
    void prepare_routes();
    size_t slot(int64_t block, const RouteRun& route) const {
        return static_cast<size_t>((block + 1) % static_cast<int64_t>(route.capacity));
    }
    void publish(RouteRun& route, int64_t block, const Participant* source, uint32_t chunk_block, uint32_t valid);

    uint32_t frames_of(uint64_t block) const {
        return static_cast<uint32_t>(std::min<uint64_t>(max_frames_, frames_ - block * max_frames_));
    }
    uint64_t chunk_begin(size_t chunk) const { return chunk * chunk_blocks_; }
    // Where a chunk's blocks lie in the segments: alternate halves when double-buffered.
    uint32_t chunk_base(size_t chunk) const { return double_buffered_ ? static_cast<uint32_t>(chunk % 2) * chunk_blocks_ : 0; }
    uint32_t chunk_size(size_t chunk) const {
        return static_cast<uint32_t>(std::min<uint64_t>(chunk_blocks_, blocks_ - chunk_begin(chunk)));
    }

    bool take(Participant& participant, uint32_t blocks);
    void prepare_block(Participant& participant, uint32_t chunk_block, uint64_t block, const TransportState& transport);
    void prepare_host_part(Participant& participant, uint32_t chunk_block, uint64_t block);
    void prepare_routed_part(Participant& participant, uint32_t chunk_block, uint64_t block,
                             const TransportState& transport);
    void prepare_ahead(Participant& participant, size_t chunk);
    void skip_events(Participant& participant, uint64_t block);
    void finish_block(Participant& participant, uint32_t chunk_block, uint64_t block, bool on_time);
    void finish_routed_part(Participant& participant, uint32_t chunk_block, uint64_t block, bool on_time);
    void finish_host_outputs(Participant& participant, uint32_t chunk_block, uint64_t block, bool on_time);
    void signal(Participant& participant, uint32_t first, uint32_t count);
    void wait(std::vector<Pending>& pending);
    void run_chunk(Participant& participant, size_t chunk, std::vector<Pending>& pending);
    void run_lockstep(const std::vector<Participant*>& members, size_t chunk);

    Engine& engine_;
    const std::vector<HostInput>& inputs_;
    const std::vector<HostOutput>& outputs_;
    const std::vector<HostEvents>& events_;
    size_t frames_;
    uint32_t max_frames_;
    uint64_t blocks_;
    uint32_t chunk_blocks_ = 1;
    bool double_buffered_ = false;
    size_t chunks_ = 0;
    uint32_t stages_deep_ = 1;
    std::vector<Participant> participants_;
    std::unordered_map<const DeviceMemory*, Place> places_;
    std::vector<RouteRun> routes_;
    // The transport at the first frame of each chunk.
    std::vector<TransportState> chunk_transports_;
};

ChunkedRun::ChunkedRun(Engine& engine, const std::vector<HostInput>& inputs, const std::vector<HostOutput>& outputs,
                       const std::vector<HostEvents>& events, size_t frames,
                       const std::vector<std::shared_ptr<ChunkMemory>>& chunks, uint32_t max_chunk_blocks)
    : engine_(engine),
      inputs_(inputs),
      outputs_(outputs),
      events_(events),
      frames_(frames),
      max_frames_(engine.max_frames_),
      blocks_((frames + engine.max_frames_ - 1) / engine.max_frames_) {
    for (const auto& chunk : chunks) {
        SandboxSignals* signals = &chunk->sandbox();
        bool known = std::any_of(engine.sandboxes_.begin(), engine.sandboxes_.end(),
                                 [&](const auto& sandbox) { return sandbox.get() == signals; });
        if (!known) {
            continue;  // closed meanwhile
        }
        if (chunk->layout().max_frames() != max_frames_) {
            throw std::invalid_argument("a chunk is laid out for another block size");
        }
        participants_.push_back({signals, chunk.get(), {}, {}, {}, {}, {}, {}});
    }
    for (const auto& device : engine.devices_) {
        for (size_t index = 0; index < participants_.size(); ++index) {
            auto& participant = participants_[index];
            if (&device->sandbox() != participant.signals) {
                continue;
            }
            auto member = participant.chunk->index_of(device.get());
            if (!member) {
                throw std::invalid_argument("a device is missing from its sandbox's chunk");
            }
            const auto& spec = participant.chunk->members()[*member];
            places_[device.get()] = {index, participant.members.size()};
            participant.members.push_back({device.get(), *member, spec.note_inputs, spec.note_outputs});
        }
    }
    for (size_t index = 0; index < inputs.size(); ++index) {
        if (auto place = place_of(inputs[index].device)) participants_[place->participant].inputs.push_back(index);
    }
    for (size_t index = 0; index < outputs.size(); ++index) {
        if (auto place = place_of(outputs[index].device)) participants_[place->participant].outputs.push_back(index);
    }
    for (size_t index = 0; index < events.size(); ++index) {
        if (auto place = place_of(events[index].device)) {
            participants_[place->participant].event_lists.push_back(index);
        }
    }
    engine.take_new_routes();
    for (auto& route : *engine.routes_) {
        RouteRun run{route.get(), place_of(route->spec.source.get()), place_of(route->spec.target.get())};
        if (!route->spec.notes) {
            run.channels = route->spec.source->layout().output_channels(route->spec.source_port);
        }
        routes_.push_back(std::move(run));
    }
    for (size_t index = 0; index < routes_.size(); ++index) {
        if (routes_[index].target) participants_[routes_[index].target->participant].routes_in.push_back(index);
        if (routes_[index].source) participants_[routes_[index].source->participant].routes_out.push_back(index);
    }
    find_stages();
    choose_chunk_blocks(max_chunk_blocks);
}

std::optional<ChunkedRun::Place> ChunkedRun::place_of(const DeviceMemory* device) const {
    auto found = places_.find(device);
    return found == places_.end() ? std::nullopt : std::optional<Place>(found->second);
}

void ChunkedRun::find_stages() {
    size_t count = participants_.size();
    // Which sandbox reaches which along routes: the graphs are a few sandboxes large.
    std::vector<std::vector<bool>> reach(count, std::vector<bool>(count, false));
    for (const auto& route : routes_) {
        if (route.source && route.target) {
            reach[route.source->participant][route.target->participant] = true;
        }
    }
    for (size_t via = 0; via < count; ++via) {
        for (size_t from = 0; from < count; ++from) {
            for (size_t to = 0; to < count; ++to) {
                if (reach[from][via] && reach[via][to]) reach[from][to] = true;
            }
        }
    }
    for (size_t index = 0; index < count; ++index) {
        participants_[index].component = index;
        for (size_t other = 0; other < index; ++other) {
            if (reach[index][other] && reach[other][index]) {
                participants_[index].component = participants_[other].component;
                participants_[index].lockstep = participants_[other].lockstep = true;
                break;
            }
        }
    }
    // Longest chains of routes between stages; a loop's routes stay inside its stage.
    for (size_t round = 0; round < count; ++round) {
        for (const auto& route : routes_) {
            if (!route.source || !route.target) continue;
            auto& source = participants_[route.source->participant];
            auto& target = participants_[route.target->participant];
            if (source.component != target.component && target.depth < source.depth + 1) {
                target.depth = source.depth + 1;
            }
        }
        for (auto& participant : participants_) {
            for (const auto& other : participants_) {
                if (other.component == participant.component) participant.depth = std::max(participant.depth, other.depth);
            }
        }
    }
    for (const auto& participant : participants_) {
        stages_deep_ = std::max(stages_deep_, participant.depth + 1);
    }
}

void ChunkedRun::choose_chunk_blocks(uint32_t max_chunk_blocks) {
    uint64_t segment = std::numeric_limits<uint32_t>::max();
    for (const auto& participant : participants_) {
        segment = std::min<uint64_t>(segment, participant.chunk->blocks());
    }
    double_buffered_ = segment >= 2;
    uint64_t capacity = std::min<uint64_t>(std::max<uint32_t>(max_chunk_blocks, 1),
                                           double_buffered_ ? segment / 2 : segment);
    // Enough chunks that the stages overlap most of the run (a pipeline of D stages over C
    // chunks takes C + D - 1 steps), and that the client's copies overlap the sandboxes'
    // work; not so short that hand-offs dominate.
    uint64_t chunks = 8 * uint64_t{stages_deep_};
    uint64_t wanted = std::max<uint64_t>(std::min<uint64_t>(16, blocks_), (blocks_ + chunks - 1) / chunks);
    chunk_blocks_ = static_cast<uint32_t>(std::max<uint64_t>(1, std::min(capacity, wanted)));
    chunks_ = static_cast<size_t>((blocks_ + chunk_blocks_ - 1) / chunk_blocks_);
}

void ChunkedRun::prepare_routes() {
    for (auto& route : routes_) {
        uint32_t gap = 0;
        if (route.source && route.target) {
            gap = participants_[route.target->participant].depth - participants_[route.source->participant].depth;
        }
        // The target takes chunk c when its source has output up to chunk c + gap - 1,
        // and it needs the block before chunk c as well.
        route.capacity = size_t{gap} * chunk_blocks_ + 1;
        route.valid.assign(route.capacity, 0);
        if (route.route->spec.notes) {
            route.notes.assign(route.capacity, {});
            for (auto& events : route.notes) events.reserve(EventRing::capacity);
        } else {
            route.audio.assign(route.capacity * route.channels * max_frames_, 0.0f);
        }
        // What the source output in the last cycle before the run, as run() would carry it.
        const auto& spec = route.route->spec;
        bool fresh = spec.source->sandbox().fresh_outputs;
        size_t at = slot(-1, route);
        if (spec.notes) {
            if (fresh) {
                auto last = spec.source->last_events();
                route.notes[at].assign(last.begin(), last.end());
            }
            continue;
        }
        route.valid[at] = fresh ? engine_.previous_frames_ : 0;
        for (uint32_t channel = 0; channel < route.channels; ++channel) {
            std::memcpy(&route.audio[(at * route.channels + channel) * max_frames_],
                        spec.source->output_plane(spec.source_port, channel), max_frames_ * sizeof(float));
        }
    }
}

void ChunkedRun::publish(RouteRun& route, int64_t block, const Participant* source, uint32_t chunk_block,
                         uint32_t valid) {
    size_t at = slot(block, route);
    const auto& spec = route.route->spec;
    if (spec.notes) {
        route.notes[at].clear();
        if (source) {
            auto last = spec.source->last_events();
            route.notes[at].assign(last.begin(), last.end());
        }
        return;
    }
    route.valid[at] = source ? valid : 0;
    if (!source) {
        return;
    }
    const auto& layout = source->chunk->layout();
    size_t member = source->members[route.source->member].index;
    for (uint32_t channel = 0; channel < route.channels; ++channel) {
        std::memcpy(&route.audio[(at * route.channels + channel) * max_frames_],
                    layout.output_plane(source->chunk->base(), member, spec.source_port, channel, chunk_block),
                    valid * sizeof(float));
    }
}

bool ChunkedRun::take(Participant& participant, uint32_t blocks) {
    auto& sandbox = *participant.signals;
    bool first = !participant.taken_before;
    participant.taken_before = true;
    if (!first && sandbox.revived.exchange(false)) {
        sandbox.late = false;
        sandbox.is_late = false;
        sandbox.consecutive_missed = 0;
        participant.excluded = true;
    }
    if (participant.excluded) {
        // The blocks it misses refuse a render that depends on it.
        sandbox.ready = false;
        sandbox.missed_cycles += blocks;
        return false;
    }
    if (first) {
        return sandbox.ready;  // as choose_ready_sandboxes found it at the start
    }
    bool alive = sandbox.alive.load(std::memory_order_relaxed);
    if (alive && sandbox.late &&
        sandbox.control().completed_cycle.load(std::memory_order_acquire) == sandbox.cycle) {
        sandbox.late = false;  // caught up; what it wrote so late is not passed on
    } else if (alive && sandbox.late) {
        // No new chunk, nor new inputs, until it has finished the one it was given.
        sandbox.missed_cycles += blocks;
        sandbox.consecutive_missed.fetch_add(blocks, std::memory_order_relaxed);
    }
    sandbox.ready = alive && !sandbox.late;
    return sandbox.ready;
}

void ChunkedRun::prepare_block(Participant& participant, uint32_t chunk_block, uint64_t block,
                               const TransportState& transport) {
    prepare_host_part(participant, chunk_block, block);
    prepare_routed_part(participant, chunk_block, block, transport);
}

void ChunkedRun::prepare_host_part(Participant& participant, uint32_t chunk_block, uint64_t block) {
    uint32_t frames = frames_of(block);
    size_t offset = block * max_frames_;
    std::byte* base = participant.chunk->base();
    const auto& layout = participant.chunk->layout();
    // As run() does: every input starts silent, then the host's signals and the routes are
    // added in their order, so every sum rounds the same way.
    for (const auto& member : participant.members) {
        for (size_t port = 0; port < layout.input_count(member.index); ++port) {
            for (uint32_t channel = 0; channel < layout.input_channels(member.index, port); ++channel) {
                std::memset(layout.input_plane(base, member.index, port, channel, chunk_block), 0,
                            frames * sizeof(float));
            }
        }
        if (member.note_inputs) {
            layout.input_events(base, member.index, chunk_block)->count = 0;
        }
    }
    for (size_t index : participant.inputs) {
        const auto& input = inputs_[index];
        size_t member = participant.members[places_.at(input.device).member].index;
        for (uint32_t channel = 0; channel < layout.input_channels(member, input.port); ++channel) {
            float* plane = layout.input_plane(base, member, input.port, channel, chunk_block);
            const float* source = input.data + channel * input.frames + offset;
            for (uint32_t frame = 0; frame < frames; ++frame) {
                plane[frame] += source[frame];
            }
        }
    }
    for (size_t list : participant.event_lists) {
        const auto& [device, events] = events_[list];
        const auto& member = participant.members[places_.at(device).member];
        BlockEvents* target = member.note_inputs ? layout.input_events(base, member.index, chunk_block) : nullptr;
        size_t& cursor = engine_.event_cursors_[list];
        for (; cursor < events.size() && events[cursor].frame < offset + frames; ++cursor) {
            if (!target) {
                continue;  // a device without note inputs takes none
            }
            NoteEvent event = events[cursor].event;
            event.frame = static_cast<uint32_t>(events[cursor].frame - std::min<uint64_t>(events[cursor].frame, offset));
            if (target->count < EventRing::capacity) {
                target->events[target->count++] = event;
            } else {
                ++engine_.dropped_events_;
            }
        }
    }
}

void ChunkedRun::prepare_routed_part(Participant& participant, uint32_t chunk_block, uint64_t block,
                                     const TransportState& transport) {
    uint32_t frames = frames_of(block);
    std::byte* base = participant.chunk->base();
    const auto& layout = participant.chunk->layout();
    std::array<const float*, kMaxChannelsPerPort> source_planes;
    std::array<float*, kMaxChannelsPerPort> target_planes;
    for (size_t index : participant.routes_in) {
        auto& route = routes_[index];
        const auto& spec = route.route->spec;
        const auto& member = participant.members[route.target->member];
        int64_t previous = static_cast<int64_t>(block) - 1;
        size_t at = slot(previous, route);
        // A source outside the run is down: after the cycle before the run, it passes silence.
        bool heard = route.source || previous < 0;
        if (spec.notes) {
            BlockEvents* target = member.note_inputs ? layout.input_events(base, member.index, chunk_block) : nullptr;
            if (!target || !heard) {
                continue;
            }
            for (NoteEvent event : route.notes[at]) {
                if (event.port == spec.source_port) {
                    event.port = static_cast<uint16_t>(spec.target_port);
                    if (target->count < EventRing::capacity) {
                        target->events[target->count++] = event;
                    } else {
                        ++engine_.dropped_events_;
                    }
                }
            }
            continue;
        }
        uint32_t target_channels = layout.input_channels(member.index, spec.target_port);
        for (uint32_t channel = 0; channel < route.channels; ++channel) {
            source_planes[channel] = &route.audio[(at * route.channels + channel) * max_frames_];
        }
        for (uint32_t channel = 0; channel < target_channels; ++channel) {
            target_planes[channel] = layout.input_plane(base, member.index, spec.target_port, channel, chunk_block);
        }
        route.route->feed->feed({source_planes.data(), route.channels}, heard ? route.valid[at] : 0,
                                {target_planes.data(), target_channels}, frames);
    }
    *layout.block(base, chunk_block) = {frames, transport};
}

void ChunkedRun::skip_events(Participant& participant, uint64_t block) {
    // A sandbox that is down misses its events, as it misses its audio.
    uint64_t end = block * max_frames_ + frames_of(block);
    for (size_t list : participant.event_lists) {
        const auto& events = events_[list].events;
        size_t& cursor = engine_.event_cursors_[list];
        while (cursor < events.size() && events[cursor].frame < end) {
            ++cursor;
        }
    }
}

void ChunkedRun::finish_block(Participant& participant, uint32_t chunk_block, uint64_t block, bool on_time) {
    finish_host_outputs(participant, chunk_block, block, on_time);
    finish_routed_part(participant, chunk_block, block, on_time);
}

void ChunkedRun::finish_host_outputs(Participant& participant, uint32_t chunk_block, uint64_t block, bool on_time) {
    uint32_t frames = frames_of(block);
    size_t offset = block * max_frames_;
    std::byte* base = participant.chunk->base();
    const auto& layout = participant.chunk->layout();
    for (size_t index : participant.outputs) {
        const auto& output = outputs_[index];
        size_t member = participant.members[places_.at(output.device).member].index;
        for (uint32_t channel = 0; channel < layout.output_channels(member, output.port); ++channel) {
            float* target = output.data + channel * output.frames + offset;
            if (on_time) {
                std::memcpy(target, layout.output_plane(base, member, output.port, channel, chunk_block),
                            frames * sizeof(float));
            } else {
                std::memset(target, 0, frames * sizeof(float));
            }
        }
    }
}

void ChunkedRun::finish_routed_part(Participant& participant, uint32_t chunk_block, uint64_t block, bool on_time) {
    uint32_t frames = frames_of(block);
    size_t offset = block * max_frames_;
    std::byte* base = participant.chunk->base();
    const auto& layout = participant.chunk->layout();
    for (const auto& member : participant.members) {
        if (!on_time) {
            member.device->forget_last_events();
        } else if (member.note_outputs) {
            const BlockEvents* events = layout.output_events(base, member.index, chunk_block);
            uint32_t count = std::min<uint32_t>(events->count, EventRing::capacity);
            member.device->take_events(offset, frames, {events->events, count});
        } else {
            member.device->take_events(offset, frames, {});
        }
    }
    for (size_t index : participant.routes_out) {
        publish(routes_[index], static_cast<int64_t>(block), on_time ? &participant : nullptr, chunk_block, frames);
    }
}

void ChunkedRun::signal(Participant& participant, uint32_t first, uint32_t count) {
    auto& control = participant.signals->control();
    auto spin_ns = static_cast<uint32_t>(engine_.sandbox_spin.count());
    if (control.sandbox_spin_ns.load(std::memory_order_relaxed) != spin_ns) {
        control.sandbox_spin_ns.store(spin_ns, std::memory_order_relaxed);
    }
    control.chunk_first.store(first, std::memory_order_relaxed);
    control.chunk_blocks.store(count, std::memory_order_relaxed);
    control.chunk_progress.store(0, std::memory_order_relaxed);
    control.requested_cycle.store(++participant.signals->cycle, std::memory_order_release);
    os::notify(control.to_sandbox);
}

void ChunkedRun::wait(std::vector<Pending>& pending) {
    // The deadline runs per block: a sandbox is late when the client has seen none of its
    // blocks finish for a whole cycle timeout. It looks at every sandbox's progress each
    // eighth of the timeout, so a hang is found within 1 1/8 timeouts of its block's start,
    // and a chunk of K blocks is waited for at most K timeouts.
    auto timeout = engine_.cycle_timeout;
    auto slice = std::max<Clock::duration>(timeout / 8, std::chrono::microseconds(100));
    auto spin_until = Clock::now() + engine_.client_spin;
    auto observe = [&] {
        auto now = Clock::now();
        for (auto& other : pending) {
            if (other.finished) continue;
            uint32_t progress = std::min(
                other.participant->signals->control().chunk_progress.load(std::memory_order_acquire), other.count);
            if (progress > other.seen) {
                other.seen = progress;
                other.since = now;
            }
        }
    };
    bool any_late = false;
    for (auto& waiting : pending) {
        auto& sandbox = *waiting.participant->signals;
        auto& control = sandbox.control();
        uint64_t cycle = sandbox.cycle;
        for (;;) {
            auto until = std::min(waiting.since + timeout, Clock::now() + slice);
            bool done = os::wait_for(
                control.to_client,
                [&] {
                    return control.completed_cycle.load(std::memory_order_acquire) == cycle ||
                           !sandbox.alive.load(std::memory_order_relaxed);
                },
                spin_until, until);
            if (done) {
                // A process with no chunk segment completes the cycle having processed nothing.
                waiting.on_time = control.completed_cycle.load(std::memory_order_acquire) == cycle &&
                                  control.chunk_progress.load(std::memory_order_acquire) == waiting.count;
                break;
            }
            observe();
            if (Clock::now() >= waiting.since + timeout) {
                waiting.on_time = false;
                break;
            }
        }
        waiting.finished = true;
        if (!waiting.on_time) {
            sandbox.late = true;
            any_late = true;
            sandbox.missed_cycles += waiting.count;
            sandbox.consecutive_missed.fetch_add(waiting.count, std::memory_order_relaxed);
        } else {
            sandbox.consecutive_missed.store(0, std::memory_order_relaxed);
        }
        sandbox.is_late.store(sandbox.late, std::memory_order_relaxed);
        if (sandbox.late && sandbox.alive.load(std::memory_order_relaxed)) {
            engine_.silenced_cycles_.fetch_add(waiting.count, std::memory_order_relaxed);
        }
    }
    if (any_late) {
        engine_.late_cycles_.fetch_add(1, std::memory_order_relaxed);
    }
}

void ChunkedRun::run_chunk(Participant& participant, size_t chunk, std::vector<Pending>& pending) {
    uint32_t count = chunk_size(chunk);
    uint64_t begin = chunk_begin(chunk);
    uint32_t base = chunk_base(chunk);
    bool host_part_ready = participant.prepared == chunk;
    participant.prepared.reset();
    if (!take(participant, count)) {
        for (uint32_t index = 0; index < count; ++index) {
            skip_events(participant, begin + index);
            finish_block(participant, base + index, begin + index, false);
        }
        return;
    }
    TransportState transport = chunk_transports_[chunk];
    for (uint32_t index = 0; index < count; ++index) {
        if (!host_part_ready) {
            prepare_host_part(participant, base + index, begin + index);
        }
        prepare_routed_part(participant, base + index, begin + index, transport);
        Engine::advance(transport, frames_of(begin + index), engine_.sample_rate_);
    }
    signal(participant, base, count);
    pending.push_back({&participant, count, 0, Clock::now()});
    pending.back().chunk = chunk;
}

void ChunkedRun::prepare_ahead(Participant& participant, size_t chunk) {
    // Into the half its sandbox is not working on; the routed part waits for the sources.
    for (uint32_t index = 0; index < chunk_size(chunk); ++index) {
        prepare_host_part(participant, chunk_base(chunk) + index, chunk_begin(chunk) + index);
    }
    participant.prepared = chunk;
}

void ChunkedRun::run_lockstep(const std::vector<Participant*>& members, size_t chunk) {
    uint64_t begin = chunk_begin(chunk);
    TransportState transport = chunk_transports_[chunk];
    std::vector<Pending> pending;
    std::vector<bool> taken(members.size());
    for (uint32_t index = 0; index < chunk_size(chunk); ++index) {
        uint64_t block = begin + index;
        pending.clear();
        for (size_t member = 0; member < members.size(); ++member) {
            taken[member] = take(*members[member], 1);
            if (taken[member]) {
                prepare_block(*members[member], index, block, transport);
            } else {
                skip_events(*members[member], block);
            }
        }
        for (size_t member = 0; member < members.size(); ++member) {
            if (taken[member]) {
                signal(*members[member], index, 1);
                pending.push_back({members[member], 1, 0, Clock::now()});
            }
        }
        wait(pending);
        size_t next = 0;
        for (size_t member = 0; member < members.size(); ++member) {
            bool on_time = taken[member] && pending[next].on_time;
            next += taken[member] ? 1 : 0;
            finish_block(*members[member], index, block, on_time);
        }
        Engine::advance(transport, frames_of(block), engine_.sample_rate_);
    }
}

uint64_t ChunkedRun::run() {
    engine_.events_ = &events_;
    engine_.event_cursors_.assign(events_.size(), 0);
    engine_.dropped_events_ = 0;
    for (const auto& device : engine_.devices_) {
        device->start_run();
    }
    engine_.choose_ready_sandboxes();
    prepare_routes();
    // Devices outside the run are down: silence, and no events.
    for (const auto& output : outputs_) {
        if (!place_of(output.device)) {
            for (uint32_t channel = 0; channel < output.device->layout().output_channels(output.port); ++channel) {
                std::memset(output.data + channel * output.frames, 0, frames_ * sizeof(float));
            }
        }
    }
    for (const auto& device : engine_.devices_) {
        if (!place_of(device.get())) {
            device->forget_last_events();
        }
    }
    TransportState transport = engine_.transport_;
    for (size_t chunk = 0; chunk < chunks_; ++chunk) {
        chunk_transports_.push_back(transport);
        for (uint64_t block = chunk_begin(chunk); block < chunk_begin(chunk) + chunk_size(chunk); ++block) {
            Engine::advance(transport, frames_of(block), engine_.sample_rate_);
        }
    }
    std::vector<Pending> pending;
    // The last step's chunks, whose host outputs are copied while the sandboxes work on the next.
    std::vector<Pending> finished;
    auto copy_host_outputs = [&](const std::vector<Pending>& chunks) {
        for (const auto& waited : chunks) {
            for (uint32_t index = 0; index < waited.count; ++index) {
                finish_host_outputs(*waited.participant, chunk_base(waited.chunk) + index,
                                    chunk_begin(waited.chunk) + index, waited.on_time);
            }
        }
    };
    for (size_t step = 0; step + 1 < chunks_ + stages_deep_; ++step) {
        auto chunk_in = [&](size_t at, const Participant& participant) -> std::optional<size_t> {
            if (at < participant.depth || at - participant.depth >= chunks_) return std::nullopt;
            return at - participant.depth;
        };
        auto chunk_at = [&](const Participant& participant) { return chunk_in(step, participant); };
        pending.clear();
        for (auto& participant : participants_) {
            if (auto chunk = chunk_at(participant); chunk && !participant.lockstep) {
                run_chunk(participant, *chunk, pending);
            }
        }
        copy_host_outputs(finished);
        finished.clear();
        if (double_buffered_) {
            for (auto& participant : participants_) {
                if (auto next = chunk_in(step + 1, participant); next && !participant.lockstep) {
                    prepare_ahead(participant, *next);
                }
            }
        }
        // Each loop across sandboxes runs its blocks one by one meanwhile.
        std::vector<bool> done(participants_.size(), false);
        for (size_t index = 0; index < participants_.size(); ++index) {
            auto chunk = chunk_at(participants_[index]);
            if (!chunk || !participants_[index].lockstep || done[index]) continue;
            std::vector<Participant*> members;
            for (size_t other = index; other < participants_.size(); ++other) {
                if (participants_[other].component == participants_[index].component) {
                    members.push_back(&participants_[other]);
                    done[other] = true;
                }
            }
            run_lockstep(members, *chunk);
        }
        wait(pending);
        for (const auto& waited : pending) {
            for (uint32_t index = 0; index < waited.count; ++index) {
                finish_routed_part(*waited.participant, chunk_base(waited.chunk) + index,
                                   chunk_begin(waited.chunk) + index, waited.on_time);
            }
            waited.participant->signals->ready = waited.on_time;
        }
        if (double_buffered_) {
            finished = pending;
        } else {
            copy_host_outputs(pending);
        }
    }
    copy_host_outputs(finished);
    engine_.transport_ = transport;
    engine_.previous_frames_ = frames_of(blocks_ - 1);
    engine_.events_ = nullptr;
    return engine_.dropped_events_;
}

uint64_t Engine::run_chunked(const std::vector<HostInput>& inputs, const std::vector<HostOutput>& outputs,
                             const std::vector<HostEvents>& events, size_t frames,
                             const std::vector<std::shared_ptr<ChunkMemory>>& chunks, uint32_t max_chunk_blocks) {
    std::lock_guard lock(mutex_);
    if (frames == 0) {
        return 0;
    }
    return ChunkedRun(*this, inputs, outputs, events, frames, chunks, max_chunk_blocks).run();
}

} // namespace scuff::native
