#include "device.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <thread>

#include "request_error.hpp"
#include "thread_roles.hpp"

namespace scuff::sbox {

using protocol::ErrorCode;

Device::Device(uint32_t id, HostServices& services) : services_(services), id_(id) {
    changes_.resize(ParamRing::capacity);
}

void Device::raise(std::atomic<bool>& flag) {
    flag = true;
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
    on_main_thread();
    Requests requests;
    requests.params_changed = params_changed_.exchange(false);
    requests.latency_changed = latency_changed_.exchange(false);
    requests.flush = wants_flush_.exchange(false);
    requests.restart = wants_restart_.exchange(false);
    requests.state_dirty = state_dirty_.exchange(false);
    requests.non_finite_blocks = non_finite_blocks_.exchange(0);
    return requests;
}

std::span<const ParamChange> Device::collect_param_changes(uint32_t frames) {
    uint32_t count = 0;
    uint32_t last_frame = frames == 0 ? 0 : frames - 1;
    DeviceMemoryLayout::header(memory_.data())->params_in.drain([&](const ParamChange& change) {
        changes_[count++] = {change.param_id, std::min(change.frame, last_frame), change.value};
    });
    // Changes must reach the plugin in time order; the queue is short, so an insertion
    // sort keeps equal times in the order they were sent.
    for (uint32_t i = 1; i < count; ++i) {
        auto change = changes_[i];
        uint32_t j = i;
        for (; j > 0 && changes_[j - 1].frame > change.frame; --j) {
            changes_[j] = changes_[j - 1];
        }
        changes_[j] = change;
    }
    return {changes_.data(), count};
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

void Device::process(uint32_t frames) {
    SCUFF_ASSERT_AUDIO_THREAD();
    // Waiting rather than skipping the device: every block reaches the plugin, either
    // before its restart or after it.
    wait_while_restarting();
    if (lifecycle_ == Lifecycle::Active) {
        if (!start_plugin_processing()) {
            silence_outputs(frames);
            return;
        }
        lifecycle_ = Lifecycle::Processing;
    }
    if (lifecycle_ != Lifecycle::Processing) {
        silence_outputs(frames);
        return;
    }
    if (!process_plugin(frames, collect_param_changes(frames))) {
        silence_outputs(frames);
    } else if (!outputs_finite(frames)) {
        // NaN or infinity would poison every device downstream and the host's mix.
        silence_outputs(frames);
        if (non_finite_blocks_.fetch_add(1, std::memory_order_relaxed) == 0) {
            services_.wake_main_loop();
        }
    }
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
