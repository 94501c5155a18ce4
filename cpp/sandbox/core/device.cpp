#include "core/device.hpp"

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "core/midi_message.hpp"
#include "core/realtime_watch.hpp"
#include "core/request_error.hpp"
#include "core/thread_roles.hpp"
#include "core/time_order.hpp"
#include "scuff/param_limit.hpp"

namespace scuff::sbox {

using protocol::ErrorCode;

namespace {

// More than any real use sounds at once on one device; a panic stops what it tracked.
constexpr size_t kMaxSoundingNotes = 256;

NoteEvent note_off_for(uint16_t port, uint8_t channel, int16_t key, int32_t note_id) {
    return {0, port, NoteEventKind::NoteOff, channel, key, 0, {}, note_id, 0.0f};
}

// 100000 as "100,000".
std::string grouped(int64_t number) {
    std::string digits = std::to_string(number);
    for (auto at = static_cast<int64_t>(digits.size()) - 3; at > (number < 0 ? 1 : 0); at -= 3) {
        digits.insert(static_cast<size_t>(at), ",");
    }
    return digits;
}

bool process_stats_enabled() {
    static const bool enabled = [] {
        const char* setting = std::getenv("SCUFF_PROCESS_STATS");
        return setting == nullptr || std::strcmp(setting, "0") != 0;
    }();
    return enabled;
}

} // namespace

Device::Device(uint32_t id, HostServices& services)
    : services_(services), id_(id), timing_(process_stats_enabled()) {
    changes_.resize(ParamRing::capacity);
    // Panic's note-offs, the ring's events, a chunk's given events and the routed ones.
    events_.resize(EventRing::capacity * 3 + kMaxSoundingNotes);
    routed_.resize(EventRing::capacity);
    out_events_.resize(EventRing::capacity);
    sounding_.resize(kMaxSoundingNotes);
}

void Device::check_param_count(int64_t declared) {
    SCUFF_ASSERT_MAIN_THREAD();
    if (declared > kMaxParams) {
        throw RequestError(ErrorCode::PluginFailed, "the plugin declares " + grouped(declared) +
                                                        " parameters, more than the " + grouped(kMaxParams) +
                                                        " a sandbox hosts");
    }
}

void Device::raise(std::atomic<bool>& flag) {
    flag = true;
    services_.wake_main_loop();
}

void Device::request_restart() {
    // The flag before the count, and take_requests() reads them the other way round: a
    // restart counted in a ticket has always had its flag taken by then.
    wants_restart_.store(true, std::memory_order_release);
    requested_restarts_.fetch_add(1, std::memory_order_acq_rel);
    services_.wake_main_loop();
}

void Device::attach_memory(os::SharedMemory memory, double sample_rate, uint32_t max_frames) {
    SCUFF_ASSERT_MAIN_THREAD();
    if (lifecycle_ != Lifecycle::Initialized || layout_) {
        throw RequestError(ErrorCode::BadRequest, "the device already has its memory");
    }
    std::vector<uint32_t> input_channels, output_channels;
    for (const auto& port : inputs_) input_channels.push_back(port.channels);
    for (const auto& port : outputs_) output_channels.push_back(port.channels);
    auto layout = std::make_unique<DeviceMemoryLayout>(input_channels, output_channels, max_frames);
    if (memory.size() < layout->total_size()) {
        throw RequestError(ErrorCode::BadRequest, "device memory is smaller than its layout");
    }
    memory_ = std::move(memory);
    layout_ = std::move(layout);
    // A restarted sandbox maps the same memory: its statistics go on from where they were.
    stats_reset_seen_ = stats().reset_done.load(std::memory_order_relaxed);
    sample_rate_ = sample_rate;
    auto build = [this](const std::vector<PortDescription>& ports, bool is_input,
                        std::vector<std::vector<float*>>& planes) {
        planes.assign(ports.size(), {});
        for (size_t port = 0; port < ports.size(); ++port) {
            for (uint32_t channel = 0; channel < ports[port].channels; ++channel) {
                planes[port].push_back(is_input ? layout_->input_plane(memory_.data(), port, channel)
                                                : layout_->output_plane(memory_.data(), port, channel));
            }
        }
    };
    build(inputs_, true, input_planes_);
    build(outputs_, false, output_planes_);
    planes_ready();
    activate();
}

void Device::activate() {
    SCUFF_ASSERT_MAIN_THREAD();
    activate_plugin(sample_rate_, layout_->max_frames());
    lifecycle_ = Lifecycle::Active;
}

void Device::flush_params_inactive() {
    SCUFF_ASSERT_MAIN_THREAD();
    if (has_memory()) {
        flush_plugin(collect_param_changes(1), false);
    }
}

void Device::flush_params_active() {
    SCUFF_ASSERT_AUDIO_THREAD();
    if (has_memory()) {
        flush_plugin(collect_param_changes(1), true);
    }
}

void Device::load_preset(const PresetLocation&) {
    SCUFF_ASSERT_MAIN_THREAD();
    throw RequestError(ErrorCode::NoPresetLoad, "the plugin loads no presets of its own format");
}

void Device::finish_restart() {
    SCUFF_ASSERT_MAIN_THREAD();
    if (lifecycle_ != Lifecycle::Restarting) {
        return;
    }
    deactivate_plugin();
    lifecycle_ = Lifecycle::Initialized;
    activate();
}

Device::Requests Device::take_requests() {
    SCUFF_ASSERT_MAIN_THREAD();
    run_deferred_main_thread_work();
    Requests requests;
    requests.params_changed = params_changed_.exchange(false);
    requests.latency_changed = latency_changed_.exchange(false);
    requests.flush = wants_flush_.exchange(false);
    requests.restart_ticket = requested_restarts_.load(std::memory_order_acquire);
    requests.restart = wants_restart_.exchange(false);
    requests.state_dirty = state_dirty_.exchange(false);
    requests.non_finite_blocks = non_finite_blocks_.exchange(0);
    uint32_t written = edits_written_.load(std::memory_order_acquire);
    for (uint32_t read = edits_read_.load(std::memory_order_relaxed); read != written; ++read) {
        requests.edits.push_back(edits_[read % kEditCapacity]);
    }
    edits_read_.store(written, std::memory_order_release);
    return requests;
}

void Device::record_own_edit(uint32_t param_id, double plain_value) {
    uint32_t written = edits_written_.load(std::memory_order_relaxed);
    if (written - edits_read_.load(std::memory_order_acquire) >= kEditCapacity) {
        return;
    }
    edits_[written % kEditCapacity] = {param_id, 0, plain_value};
    edits_written_.store(written + 1, std::memory_order_release);
    services_.wake_main_loop();
}

std::span<const ParamChange> Device::collect_param_changes(uint32_t frames) {
    uint32_t count = 0;
    uint32_t last_frame = frames == 0 ? 0 : frames - 1;
    DeviceMemoryLayout::header(memory_.data())->params_in.drain([&](const ParamChange& change) {
        changes_[count++] = {change.param_id, std::min(change.frame, last_frame), change.value};
    });
    // In time order, keeping equal times in the order they were sent.
    sort_by_frame(changes_.data(), count);
    return {changes_.data(), count};
}

std::span<const NoteEvent> Device::collect_events(uint32_t frames, bool panic) {
    uint32_t count = 0;
    if (panic) {
        for (uint32_t i = 0; i < sounding_count_; ++i) {
            const auto& note = sounding_[i];
            events_[count++] = note_off_for(note.port, note.channel, note.key, note.note_id);
        }
        sounding_count_ = 0;
    }
    uint32_t last_frame = frames == 0 ? 0 : frames - 1;
    DeviceMemoryLayout::header(memory_.data())->events_in.drain([&](const NoteEvent& event) {
        if (valid_event(event, note_inputs_)) {
            events_[count] = event;
            events_[count++].frame = std::min(event.frame, last_frame);
        }
    });
    for (NoteEvent event : given_) {
        if (valid_event(event, note_inputs_)) {
            events_[count] = event;
            events_[count++].frame = std::min(event.frame, last_frame);
        }
    }
    for (uint32_t i = 0; i < routed_count_; ++i) {
        events_[count] = routed_[i];
        events_[count++].frame = std::min(routed_[i].frame, last_frame);
    }
    routed_count_ = 0;
    // In time order, keeping the order of equal times: panic first, then the client's, then
    // what connections brought, each already in order, so the sort has little to do.
    sort_by_frame(events_.data(), count);
    for (uint32_t i = 0; i < count; ++i) {
        track_sounding(events_[i]);
    }
    return {events_.data(), count};
}

void Device::track_sounding(const NoteEvent& event) {
    auto note = as_note_event(event);
    if (!note) {
        return;
    }
    for (uint32_t i = 0; i < sounding_count_; ++i) {
        auto& sounding = sounding_[i];
        if (sounding.port == note->port && sounding.channel == note->channel && sounding.key == note->key) {
            // A note on for a sounding key restarts it; an end removes it.
            if (note->kind != NoteEventKind::NoteOn) {
                sounding = sounding_[--sounding_count_];
            }
            return;
        }
    }
    if (note->kind == NoteEventKind::NoteOn && sounding_count_ < sounding_.size()) {
        sounding_[sounding_count_++] = {note->port, note->channel, note->key, note->note_id};
    }
}

void Device::receive_events(std::span<const NoteEvent> events, uint16_t source_port, uint16_t target_port) {
    SCUFF_ASSERT_AUDIO_THREAD();
    for (const auto& event : events) {
        if (event.port == source_port && target_port < note_inputs_ && routed_count_ < routed_.size()) {
            routed_[routed_count_] = event;
            routed_[routed_count_++].port = target_port;
        }
    }
}

void Device::emit(const NoteEvent& event) {
    if (!valid_event(event, note_outputs_) || out_count_ == out_events_.size()) {
        return;
    }
    out_events_[out_count_++] = event;
    // The client drains this ring every cycle; a full one means it has stopped reading.
    DeviceMemoryLayout::header(memory_.data())->events_out.push(event);
}

void Device::silence_outputs(uint32_t frames) {
    for (auto& port : output_planes_) {
        for (float* plane : port) {
            std::memset(plane, 0, frames * sizeof(float));
        }
    }
}

bool Device::outputs_finite(uint32_t frames) const {
    // NaN and infinity are the floats whose exponent bits are all set. Integer tests
    // or-ed together have no branch and no serial dependency, so the loop vectorises.
    constexpr uint32_t exponent = 0x7f800000u;
    uint32_t non_finite = 0;
    for (const auto& port : output_planes_) {
        for (const float* plane : port) {
            for (uint32_t frame = 0; frame < frames; ++frame) {
                non_finite |= static_cast<uint32_t>((std::bit_cast<uint32_t>(plane[frame]) & exponent) == exponent);
            }
        }
    }
    return non_finite == 0;
}

void Device::wait_while_restarting() {
    // Bounded: a plugin that hangs while activating costs the client's cycle deadline,
    // and this sandbox's audio thread comes back to the other devices.
    auto deadline = os::Clock::now() + std::chrono::seconds(2);
    while (lifecycle_.load(std::memory_order_acquire) == Lifecycle::Restarting && os::Clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::microseconds(20));
    }
}

void Device::process(uint32_t frames, const CycleContext& context) {
    SCUFF_ASSERT_AUDIO_THREAD();
    out_count_ = 0;
    // Waiting rather than skipping the device: every block reaches the plugin, either
    // before its restart or after it.
    wait_while_restarting();
    if (lifecycle_ == Lifecycle::Active) {
        if (!start_plugin_processing()) {
            routed_count_ = 0;
            silence_outputs(frames);
            return;
        }
        lifecycle_ = Lifecycle::Processing;
    }
    if (lifecycle_ != Lifecycle::Processing) {
        routed_count_ = 0;
        silence_outputs(frames);
        return;
    }
    auto changes = collect_param_changes(frames);
    auto events = collect_events(frames, context.panic);
    // Counts, to the end of the call, what the plugin does that real-time code must not.
    RealtimeWatch watch(id(), services_);
    bool processed;
    if (timing_) {
        take_stats_reset();
        auto started = os::Clock::now();
        processed = process_plugin(frames, changes, events, context.transport);
        auto took = std::chrono::duration_cast<std::chrono::nanoseconds>(os::Clock::now() - started).count();
        record_process_time(static_cast<uint64_t>(took), frames);
    } else {
        processed = process_plugin(frames, changes, events, context.transport);
    }
    if (!processed) {
        silence_outputs(frames);
    } else if (!outputs_finite(frames)) {
        // NaN or infinity would poison every device downstream and the host's mix.
        silence_outputs(frames);
        if (non_finite_blocks_.fetch_add(1, std::memory_order_relaxed) == 0) {
            services_.wake_main_loop();
        }
    }
}

void Device::take_stats_reset() {
    auto& stats = this->stats();
    uint64_t requested = stats.reset_requested.load(std::memory_order_relaxed);
    if (requested == stats_reset_seen_) {
        return;
    }
    stats_reset_seen_ = requested;
    stats.blocks.store(0, std::memory_order_relaxed);
    stats.frames.store(0, std::memory_order_relaxed);
    stats.total_ns.store(0, std::memory_order_relaxed);
    stats.max_ns.store(0, std::memory_order_relaxed);
    stats.last_ns.store(0, std::memory_order_relaxed);
    for (auto& bucket : stats.histogram) {
        bucket.store(0, std::memory_order_relaxed);
    }
    stats.reset_done.store(requested, std::memory_order_release);
}

void Device::record_process_time(uint64_t ns, uint32_t frames) {
    // The audio thread is the only writer: loads and stores, no read-modify-write.
    auto& stats = this->stats();
    auto add = [](std::atomic<uint64_t>& counter, uint64_t amount) {
        counter.store(counter.load(std::memory_order_relaxed) + amount, std::memory_order_relaxed);
    };
    add(stats.blocks, 1);
    add(stats.frames, frames);
    add(stats.total_ns, ns);
    add(stats.histogram[ProcessStats::bucket_of(ns)], 1);
    if (ns > stats.max_ns.load(std::memory_order_relaxed)) {
        stats.max_ns.store(ns, std::memory_order_relaxed);
    }
    stats.last_ns.store(ns, std::memory_order_relaxed);
}

void Device::stop_processing() {
    SCUFF_ASSERT_AUDIO_THREAD();
    if (lifecycle_ == Lifecycle::Processing) {
        stop_plugin_processing();
        lifecycle_ = Lifecycle::Active;
    }
}

void Device::begin_restart() {
    SCUFF_ASSERT_AUDIO_THREAD();
    stop_processing();
    if (lifecycle_ == Lifecycle::Active) {
        lifecycle_ = Lifecycle::Restarting;
    }
}

} // namespace scuff::sbox
