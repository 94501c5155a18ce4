#include "core/audio_thread.hpp"

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

void AudioThread::process_cycle(uint32_t frames) {
    // Copied once, and checked: the client wrote it, and it is not trusted.
    TransportState transport = control_.transport;
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
        process_cycle(std::min(control_.frames.load(std::memory_order_relaxed), max_frames_));
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
