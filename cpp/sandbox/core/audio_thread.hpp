#pragma once
// The sandbox's audio thread: waits for the client to request a cycle, processes
// every device of the plan in order (once, or for each block of a chunk), and reports the
// cycle done. Between cycles it
// runs work that the CLAP thread rules reserve for the audio thread (plan changes,
// start/stop processing, parameter flushes), handed over by the main thread.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/chunk_area.hpp"
#include "core/device.hpp"
#include "core/process_plan.hpp"
#include "scuff/shared_layout.hpp"

namespace scuff::sbox {

class AudioThread {
public:
    AudioThread(SandboxControlBlock& control, uint32_t max_frames);
    ~AudioThread();
    AudioThread(const AudioThread&) = delete;
    AudioThread& operator=(const AudioThread&) = delete;

    // Main thread: runs `work` on the audio thread between two cycles and waits for
    // it. Returns false when it did not finish within `timeout`.
    bool run(std::function<void()> work, std::chrono::milliseconds timeout);

    // Audio thread (inside run()): what to process each cycle. Returns the previous plan,
    // for the main thread to free.
    std::unique_ptr<ProcessPlan> set_plan(std::unique_ptr<ProcessPlan> plan);
    ProcessPlan& plan() { return *plan_; }
    // Audio thread (inside run()): the chunk segment of offline renders. Returns the previous
    // one, for the main thread to free.
    std::unique_ptr<ChunkArea> set_chunk_area(std::unique_ptr<ChunkArea> area);
    ChunkArea* chunk_area() { return chunk_.get(); }

private:
    void loop();
    bool run_pending_work();
    void process_cycle(uint32_t frames);
    void process_chunk(uint32_t first, uint32_t count);
    // Between two blocks of a chunk: waits (bounded by kRestartWait) until no device of the
    // plan has a restart outstanding, running the main thread's work meanwhile.
    void settle_restarts();
    void process_block(uint32_t frames, const TransportState& given);

    // As long as a device's own wait while it restarts (Device::wait_while_restarting).
    static constexpr auto kRestartWait = std::chrono::seconds(2);

    SandboxControlBlock& control_;
    uint32_t max_frames_;
    uint64_t seen_cycle_;
    std::unique_ptr<ProcessPlan> plan_ = std::make_unique<ProcessPlan>();
    std::unique_ptr<ChunkArea> chunk_;
    // Frames of the last cycle: what the delayed connections read at the next one.
    uint32_t previous_frames_ = 0;
    // The last transport the client gave that made sense, and the last panic seen.
    TransportState transport_;
    uint64_t panic_seen_ = 0;

    std::mutex work_mutex_;
    std::condition_variable work_done_;
    std::function<void()> work_;
    uint64_t work_submitted_ = 0;
    uint64_t work_finished_ = 0;
    std::atomic<bool> work_pending_{false};
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

} // namespace scuff::sbox
