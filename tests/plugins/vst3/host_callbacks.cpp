#include "../dsp/latency_state.hpp"
#include "audio_buffers.hpp"
#include "class_ids.hpp"
#include "classes.hpp"
#include "component.hpp"
#include "edit_controller.hpp"
#include "param_changes.hpp"
#include "stream.hpp"

#include "pluginterfaces/gui/iplugview.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstring>
#include <iterator>
#include <sys/eventfd.h>
#include <unistd.h>
#include <vector>

namespace scuff_vst3 {

namespace {

using Steinberg::Linux::FileDescriptor;
using Steinberg::Linux::IEventHandler;
using Steinberg::Linux::IRunLoop;
using Steinberg::Linux::ITimerHandler;
using Steinberg::Vst::IParamValueQueue;
using Steinberg::Vst::RestartFlags;

enum ParamId : ParamID {
    // Stepped, 0..4096 samples: the latency (and delay) adopted at the next setActive(true); a change
    // makes the controller ask for a restart with kLatencyChanged.
    latency_param,
    // Stepped, 0..1: 1 makes the next run-loop timer tick answer with beginEdit, performEdit(0) and
    // endEdit on Ping, then restartComponent(kParamValuesChanged).
    ping_param,
    // Stepped, 0..1: 1 retitles this parameter "Renamed", 0 back to "Rename"; each retitle asks for
    // restartComponent(kParamTitlesChanged).
    rename_param,
    // Read-only counters and meter.
    timer_ticks_param,    // ITimerHandler::onTimer calls from the 10 ms run-loop timer
    fd_events_param,      // IEventHandler::onFDIsSet calls that read the eventfd each tick writes
    peak_param,           // the last block's input peak, 0..1, also sent as an output parameter change
    missing_host_param,   // IRunLoop absent from the host context, or a registration it refused
    param_count,
};

constexpr uint32 max_latency = 4096;
constexpr Steinberg::Linux::TimerInterval timer_period_ms = 10;
constexpr int32 channels = 2;
// Counters are stepped, so their plain values are exact integers.
constexpr int32 counter_max = 1000000000;

constexpr int32 automatable_list = ParameterInfo::kCanAutomate | ParameterInfo::kIsList;
constexpr int32 read_only = ParameterInfo::kIsReadOnly;

const ParamSpec specs[param_count] = {
    {latency_param, "Latency", "samples", 0.0, max_latency, 0.0, max_latency, ParameterInfo::kCanAutomate, 0},
    {ping_param, "Ping", "", 0.0, 1.0, 0.0, 1, automatable_list, 0},
    {rename_param, "Rename", "", 0.0, 1.0, 0.0, 1, automatable_list, 0},
    {timer_ticks_param, "Timer ticks", "", 0.0, counter_max, 0.0, counter_max, read_only, 0},
    {fd_events_param, "FD events", "", 0.0, counter_max, 0.0, counter_max, read_only, 0},
    {peak_param, "Peak", "", 0.0, 1.0, 0.0, 0, read_only, 3},
    {missing_host_param, "Missing host interfaces", "", 0.0, counter_max, 0.0, counter_max, read_only, 0},
};

bool read_state(IBStream* stream, uint32_t& latency) {
    uint8_t blob[scuff_dsp::latency_state_size];
    return read_all(stream, blob, sizeof(blob)) && scuff_dsp::decode_latency_state(blob, max_latency, latency);
}

// Uses the host services a VST3 host offers a plugin on Linux: the run loop (a timer and a file
// descriptor handler) from the host context, and the component handler (edits and restarts). Single
// component; stereo, delayed by exactly the latency it adopted at its last setActive(true).
//
// Ping, Rename and Latency may reach it through setParamNormalized (the controller, main thread) or
// through process (audio thread). The controller answers at once, except Ping, which waits for the next
// tick; what arrives through process is answered at the next tick, since restartComponent belongs to the
// main thread. Ping is armed through process only while the host has never set it through the
// controller, so a host delivering one change both ways gets one answer.
class HostCallbacks : public EditControllerOf<Component>, public ITimerHandler, public IEventHandler {
public:
    HostCallbacks() : EditControllerOf(specs, param_count, nullptr, main_bus(channels), main_bus(channels)) {
        // Allocated here so setActive and process never allocate.
        for (auto& line : lines_)
            line.assign(max_latency, 0.0f);
    }

    // ITimerHandler, main thread.
    void PLUGIN_API onTimer() override {
        ++timer_ticks_;
        if (event_fd_ >= 0) {
            const uint64_t one = 1;
            [[maybe_unused]] const ssize_t written = ::write(event_fd_, &one, sizeof(one));
        }
        answer_ping();
        answer_latency_and_rename();
    }

    // IEventHandler, main thread.
    void PLUGIN_API onFDIsSet(FileDescriptor fd) override {
        uint64_t count = 0;
        if (fd == event_fd_ && ::read(event_fd_, &count, sizeof(count)) == static_cast<ssize_t>(sizeof(count)))
            ++fd_events_;
    }

protected:
    void* interface(const TUID iid) {
        if (void* found = offer<ITimerHandler>(iid, Steinberg::Linux::ITimerHandler_iid, this))
            return found;
        if (void* found = offer<IEventHandler>(iid, Steinberg::Linux::IEventHandler_iid, this))
            return found;
        return EditControllerOf::interface(iid);
    }

    bool on_initialize(FUnknown* context) override {
        run_loop_.adopt(query<IRunLoop>(context, Steinberg::Linux::IRunLoop_iid));
        if (!run_loop_) {
            ++missing_host_;
            return true;
        }
        timer_registered_ = run_loop_->registerTimer(this, timer_period_ms) == kResultOk;
        if (!timer_registered_)
            ++missing_host_;
        event_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        handler_registered_ = event_fd_ >= 0 && run_loop_->registerEventHandler(this, event_fd_) == kResultOk;
        if (!handler_registered_)
            ++missing_host_;
        return true;
    }

    void on_terminate() override {
        if (run_loop_ && timer_registered_)
            run_loop_->unregisterTimer(this);
        if (run_loop_ && handler_registered_)
            run_loop_->unregisterEventHandler(this);
        timer_registered_ = handler_registered_ = false;
        run_loop_.reset();
        if (event_fd_ >= 0)
            ::close(event_fd_);
        event_fd_ = -1;
    }

    void on_active(bool active) override {
        if (!active)
            return;
        delay_ = latency_.load();
        restart_asked_for_ = delay_;
        clear_lines();
    }

    void on_processing(bool processing) override {
        if (processing)
            clear_lines();
    }

    uint32 latency() override { return delay_; }

    void process_block(ProcessData& data) override {
        apply_changes(data, [this](ParamID id, ParamValue value) { take_from_processor(id, value); });
        if (data.numSamples == 0)
            return;
        float peak = 0.0f;
        const uint32 delay = delay_;
        for (int32 c = 0; c < channels; ++c) {
            const float* in = input(data, 0, c);
            float* out = output(data, 0, c);
            auto& line = lines_[c];
            uint32 position = position_;
            for (int32 i = 0; i < data.numSamples; ++i) {
                const float sample = in ? in[i] : 0.0f;
                peak = std::max(peak, std::fabs(sample));
                float delayed = sample;
                if (delay > 0) {
                    // Read before writing: the host may process in place.
                    delayed = line[position];
                    line[position] = sample;
                    position = position + 1 == delay ? 0 : position + 1;
                }
                if (out)
                    out[i] = delayed;
            }
        }
        if (delay > 0)
            position_ = static_cast<uint32>((position_ + static_cast<uint64_t>(data.numSamples)) % delay);
        peak_ = std::min(peak, 1.0f);
        if (data.outputParameterChanges) {
            int32 index = 0;
            if (IParamValueQueue* queue = data.outputParameterChanges->addParameterData(peak_param, index))
                queue->addPoint(0, peak_.load(), index);
        }
    }

    // The state is the Latency parameter.
    bool save(IBStream* stream) override {
        const auto blob = scuff_dsp::encode_latency_state(latency_);
        return write_all(stream, blob.data(), blob.size());
    }

    bool load(IBStream* stream) override {
        uint32_t latency;
        if (!read_state(stream, latency))
            return false;
        latency_ = latency;
        set_value(latency_param, to_normalized(specs[latency_param], latency));
        answer_latency_and_rename();
        return true;
    }

    tresult PLUGIN_API setComponentState(IBStream* stream) override {
        uint32_t latency;
        if (!read_state(stream, latency))
            return kResultFalse;
        set_value(latency_param, to_normalized(specs[latency_param], latency));
        return kResultOk;
    }

    const char* title_of(ParamID id) override { return id == rename_param && renamed_ ? "Renamed" : nullptr; }

    ParamValue live_value(ParamID id, ParamValue stored) override {
        switch (id) {
        case timer_ticks_param: return count_value(timer_ticks_);
        case fd_events_param: return count_value(fd_events_);
        case missing_host_param: return count_value(missing_host_);
        case peak_param: return peak_.load();
        default: return stored;
        }
    }

    void controller_changed(ParamID id, ParamValue value) override {
        switch (id) {
        case latency_param:
            latency_ = static_cast<uint32>(std::lround(to_plain(specs[latency_param], value)));
            break;
        case ping_param:
            controller_sets_ping_ = true;
            if (value >= 0.5)
                ping_pending_ = true;
            break;
        case rename_param:
            rename_ = value >= 0.5;
            break;
        default:
            return;
        }
        answer_latency_and_rename();
    }

private:
    static ParamValue count_value(uint64_t count) {
        return static_cast<double>(std::min<uint64_t>(count, counter_max)) / counter_max;
    }

    // Audio thread: only records; the main thread answers.
    void take_from_processor(ParamID id, ParamValue value) {
        if (!std::isfinite(value))
            return;
        switch (id) {
        case latency_param:
            latency_ = static_cast<uint32>(std::lround(to_plain(specs[latency_param], value)));
            break;
        case ping_param:
            if (value >= 0.5 && !controller_sets_ping_)
                ping_pending_ = true;
            break;
        case rename_param:
            rename_ = value >= 0.5;
            break;
        default:
            break;
        }
    }

    // Main thread.
    void answer_ping() {
        if (!ping_pending_.exchange(false))
            return;
        set_value(ping_param, 0.0);
        IComponentHandler* host = handler();
        if (!host)
            return;
        host->beginEdit(ping_param);
        host->performEdit(ping_param, 0.0);
        host->endEdit(ping_param);
        host->restartComponent(RestartFlags::kParamValuesChanged);
    }

    // Main thread.
    void answer_latency_and_rename() {
        IComponentHandler* host = handler();
        const uint32 wanted = latency_;
        if (wanted != delay_ && wanted != restart_asked_for_) {
            restart_asked_for_ = wanted;
            if (host)
                host->restartComponent(RestartFlags::kLatencyChanged);
        }
        const bool rename = rename_;
        if (rename != renamed_) {
            renamed_ = rename;
            if (host)
                host->restartComponent(RestartFlags::kParamTitlesChanged);
        }
    }

    void clear_lines() {
        for (auto& line : lines_)
            std::fill(line.begin(), line.end(), 0.0f);
        position_ = 0;
    }

    Ref<IRunLoop> run_loop_;
    bool timer_registered_ = false;
    bool handler_registered_ = false;
    int event_fd_ = -1;

    // Written by the audio thread (parameter changes) and the main thread (controller, state).
    std::atomic<uint32> latency_{0};
    std::atomic<bool> rename_{false};
    std::atomic<bool> ping_pending_{false};
    std::atomic<bool> controller_sets_ping_{false};
    // Main thread: the latency adopted at the last setActive(true), the last one a restart was asked
    // for, and the title shown.
    std::atomic<uint32> delay_{0};
    uint32 restart_asked_for_ = 0;
    std::atomic<bool> renamed_{false};

    std::atomic<uint64_t> timer_ticks_{0};
    std::atomic<uint64_t> fd_events_{0};
    std::atomic<uint64_t> missing_host_{0};
    std::atomic<float> peak_{0.0f};

    std::array<std::vector<float>, channels> lines_;
    uint32 position_ = 0;
};

} // namespace

const ClassEntry host_callbacks_class = {host_callbacks_cid, kVstAudioEffectClass, "Test Host Callbacks",
                                         "Fx|Delay|Stereo", &create<HostCallbacks>};

} // namespace scuff_vst3
