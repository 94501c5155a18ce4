#include "core/audio_thread.hpp"

#include <algorithm>
#include <cmath>

#include "core/thread_roles.hpp"
#include "scuff/denormals.hpp"
#include "scuff/os/process.hpp"

namespace scuff::sbox {

using os::Clock;

AudioThread::AudioThread(SandboxControlBlock& control, uint32_t max_frames)
    : control_(control),
      max_frames_(max_frames),
      // Read before the thread starts, so a cycle requested the moment the client hears
      // the sandbox is ready is never taken for an old one.
      seen_cycle_(control.requested_cycle.load(std::memory_order_acquire)) {
    thread_ = std::thread([this] { loop(); });
}

AudioThread::~AudioThread() {
    stopping_ = true;
    os::notify(control_.to_sandbox);
    thread_.join();
}

bool AudioThread::run(std::function<void()> work, std::chrono::milliseconds timeout) {
    SCUFF_ASSERT_MAIN_THREAD();
    std::unique_lock lock(work_mutex_);
    work_ = std::move(work);
    uint64_t ticket = ++work_submitted_;
    work_pending_ = true;
    lock.unlock();
    os::notify(control_.to_sandbox);
    lock.lock();
    return work_done_.wait_for(lock, timeout, [&] { return work_finished_ >= ticket; });
}

std::unique_ptr<ProcessPlan> AudioThread::set_plan(std::unique_ptr<ProcessPlan> plan) {
    SCUFF_ASSERT_AUDIO_THREAD();
    std::swap(plan_, plan);
    return plan;
}

bool AudioThread::run_pending_work() {
    if (!work_pending_.load(std::memory_order_acquire)) {
        return false;
    }
    std::unique_lock lock(work_mutex_);
    auto work = std::move(work_);
    work_ = nullptr;
    work_pending_ = false;
    uint64_t ticket = work_submitted_;
    lock.unlock();
    if (work) {
        work();
    }
    lock.lock();
    work_finished_ = ticket;
    work_done_.notify_all();
    return true;
}

std::unique_ptr<ChunkArea> AudioThread::set_chunk_area(std::unique_ptr<ChunkArea> area) {
    SCUFF_ASSERT_AUDIO_THREAD();
    std::swap(chunk_, area);
    return area;
}

void AudioThread::process_cycle(uint32_t frames) {
    // Copied once: the client wrote it, and it is not trusted.
    TransportState transport = control_.transport;
    process_block(frames, transport);
}

void AudioThread::process_chunk(uint32_t first, uint32_t count) {
    if (!chunk_) {
        return;  // no segment to take blocks from: the client gets nothing back
    }
    uint32_t available = first < chunk_->blocks() ? chunk_->blocks() - first : 0;
    uint32_t end = first + std::min(count, available);
    for (uint32_t index = first; index < end; ++index) {
        settle_restarts();
        if (!chunk_ || index >= chunk_->blocks()) {
            return;  // the main thread's work replaced the segment: the client asked for it
        }
        ChunkBlock block = chunk_->block(index);
        uint32_t frames = std::min(block.frames, max_frames_);
        chunk_->load(index, frames);
        process_block(frames, block.transport);
        chunk_->store(index, frames);
        // The client measures its deadline from each finished block.
        control_.chunk_progress.store(index - first + 1, std::memory_order_release);
    }
}

void AudioThread::settle_restarts() {
    // Blocks one by one leave the main thread time to restart a plugin that asked for it
    // between any two of them, wherever it gets to it; back to back they would leave none,
    // and the restart would land wherever a chunk ends. Waiting for it here lands it before
    // the next block, the same block on every run.
    auto outstanding = [this] {
        const auto& devices = plan_->devices();  // the main thread's work may replace the plan
        return std::any_of(devices.begin(), devices.end(),
                           [](const Device* device) { return device->restart_outstanding(); });
    };
    if (!outstanding()) {
        return;  // the usual case: no clock read per block
    }
    auto deadline = Clock::now() + kRestartWait;
    while (outstanding() && Clock::now() < deadline) {
        if (!run_pending_work()) {
            std::this_thread::sleep_for(std::chrono::microseconds(20));
        }
    }
}

void AudioThread::process_block(uint32_t frames, const TransportState& transport) {
    bool sane = std::isfinite(transport.tempo) && transport.tempo > 0.0 && transport.tempo <= 10000.0 &&
                std::isfinite(transport.position_beats) && std::isfinite(transport.position_seconds) &&
                std::isfinite(transport.loop_start_beats) && std::isfinite(transport.loop_end_beats) &&
                transport.time_signature_numerator > 0 && transport.time_signature_denominator > 0;
    if (sane) {
        transport_ = transport;
    }
    CycleContext context{&transport_, transport.panic_count != panic_seen_};
    panic_seen_ = transport.panic_count;
    plan_->run(frames, previous_frames_, context);
    previous_frames_ = frames;
}

void AudioThread::loop() {
    thread_roles().audio_thread = os::current_thread_id();
    os::set_current_thread_name("scuff-audio");
    flush_denormals_to_zero();
    uint64_t seen = seen_cycle_;
    auto spin_until = Clock::now();
    while (!stopping_.load(std::memory_order_acquire)) {
        auto has_news = [&] {
            return control_.requested_cycle.load(std::memory_order_acquire) != seen ||
                   work_pending_.load(std::memory_order_acquire) ||
                   stopping_.load(std::memory_order_acquire);
        };
        if (!os::wait_for(control_.to_sandbox, has_news, spin_until, Clock::now() + std::chrono::seconds(1))) {
            continue;
        }
        run_pending_work();
        uint64_t cycle = control_.requested_cycle.load(std::memory_order_acquire);
        if (cycle == seen) {
            continue;
        }
        seen = cycle;
        auto started = Clock::now();
        uint32_t chunk_blocks = control_.chunk_blocks.load(std::memory_order_relaxed);
        if (chunk_blocks == 0) {
            process_cycle(std::min(control_.frames.load(std::memory_order_relaxed), max_frames_));
        } else {
            process_chunk(control_.chunk_first.load(std::memory_order_relaxed), chunk_blocks);
        }
        auto finished = Clock::now();
        control_.last_cycle_ns.store(
            std::chrono::duration_cast<std::chrono::nanoseconds>(finished - started).count(),
            std::memory_order_relaxed);
        control_.completed_cycle.store(cycle, std::memory_order_release);
        os::notify(control_.to_client);
        // The next request usually follows at once: keep spinning for it a while.
        spin_until = finished + std::chrono::nanoseconds(control_.sandbox_spin_ns.load(std::memory_order_relaxed));
    }
}

} // namespace scuff::sbox
