#include "device.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <thread>

#include "param_state.hpp"
#include "request_error.hpp"
#include "thread_roles.hpp"

namespace scuff::sbox {

using protocol::ErrorCode;

namespace {

std::string bounded_string(const char* text, size_t capacity) {
    return std::string(text, strnlen(text, capacity));
}

// The input events of one process call: a view over the device's prepared array.
struct EventList {
    const clap_event_param_value_t* events;
    uint32_t count;
};

uint32_t event_list_size(const clap_input_events_t* list) {
    return static_cast<const EventList*>(list->ctx)->count;
}

const clap_event_header_t* event_list_get(const clap_input_events_t* list, uint32_t index) {
    const auto* events = static_cast<const EventList*>(list->ctx);
    return index < events->count ? &events->events[index].header : nullptr;
}

struct OutputSink {
    ParamRing* ring;
};

bool output_try_push(const clap_output_events_t* list, const clap_event_header_t* event) {
    // Parameter values the plugin changes itself (meters, internal automation) go back
    // to the client; other output events are not routed yet and are dropped.
    if (event->space_id != CLAP_CORE_EVENT_SPACE_ID || event->type != CLAP_EVENT_PARAM_VALUE) {
        return true;
    }
    const auto* value = reinterpret_cast<const clap_event_param_value_t*>(event);
    auto* sink = static_cast<OutputSink*>(list->ctx);
    return sink->ring->push({value->param_id, event->time, value->value});
}

struct StateWriter {
    std::vector<uint8_t> bytes;
};

int64_t state_write(const clap_ostream_t* stream, const void* buffer, uint64_t size) {
    auto* writer = static_cast<StateWriter*>(stream->ctx);
    const auto* bytes = static_cast<const uint8_t*>(buffer);
    writer->bytes.insert(writer->bytes.end(), bytes, bytes + size);
    return static_cast<int64_t>(size);
}

struct StateReader {
    std::span<const uint8_t> bytes;
    size_t position = 0;
};

int64_t state_read(const clap_istream_t* stream, void* buffer, uint64_t size) {
    auto* reader = static_cast<StateReader*>(stream->ctx);
    size_t count = std::min<size_t>(size, reader->bytes.size() - reader->position);
    std::memcpy(buffer, reader->bytes.data() + reader->position, count);
    reader->position += count;
    return static_cast<int64_t>(count);
}

} // namespace

Device::Device(uint32_t id, std::shared_ptr<ClapLibrary> library, const std::string& plugin_id,
               HostServices& services)
    : id_(id), library_(std::move(library)), services_(services) {
    SCUFF_ASSERT_MAIN_THREAD();
    const clap_plugin_descriptor_t* descriptor;
    try {
        descriptor = &library_->descriptor(plugin_id);
    } catch (const ClapLoadError& error) {
        throw RequestError(ErrorCode::PluginNotFound, error.what());
    }
    host_ = make_host();
    plugin_ = library_->factory().create_plugin(&library_->factory(), &host_, descriptor->id);
    if (!plugin_) {
        throw RequestError(ErrorCode::PluginFailed,
                           std::string("the factory could not create plugin ") + descriptor->id);
    }
    if (!plugin_->init(plugin_)) {
        plugin_->destroy(plugin_);
        plugin_ = nullptr;
        throw RequestError(ErrorCode::PluginFailed,
                           std::string("plugin ") + descriptor->id + " failed to initialise");
    }
    auto extension = [this](const char* id) { return plugin_->get_extension(plugin_, id); };
    audio_ports_ = static_cast<const clap_plugin_audio_ports_t*>(extension(CLAP_EXT_AUDIO_PORTS));
    params_ = static_cast<const clap_plugin_params_t*>(extension(CLAP_EXT_PARAMS));
    state_ = static_cast<const clap_plugin_state_t*>(extension(CLAP_EXT_STATE));
    latency_ = static_cast<const clap_plugin_latency_t*>(extension(CLAP_EXT_LATENCY));
    timer_support_ = static_cast<const clap_plugin_timer_support_t*>(extension(CLAP_EXT_TIMER_SUPPORT));
    query_ports();
    param_events_.resize(ParamRing::capacity);
}

Device::~Device() {
    SCUFF_ASSERT_MAIN_THREAD();
    if (!plugin_) {
        return;
    }
    if (lifecycle_ == Lifecycle::Active || lifecycle_ == Lifecycle::Restarting) {
        plugin_->deactivate(plugin_);
    }
    plugin_->destroy(plugin_);
}

void Device::query_ports() {
    auto read_ports = [this](bool is_input, std::vector<PortDescription>& ports) {
        ports.clear();
        if (!audio_ports_) {
            return;
        }
        uint32_t count = std::min(audio_ports_->count(plugin_, is_input), kMaxPorts);
        for (uint32_t i = 0; i < count; ++i) {
            clap_audio_port_info_t info{};
            if (!audio_ports_->get(plugin_, i, is_input, &info)) {
                throw RequestError(ErrorCode::PluginFailed, "the plugin failed to describe an audio port");
            }
            if (info.channel_count > kMaxChannelsPerPort) {
                throw RequestError(ErrorCode::PluginFailed, "the plugin reports an audio port with too many channels");
            }
            ports.push_back({info.id, bounded_string(info.name, CLAP_NAME_SIZE), info.channel_count,
                             (info.flags & CLAP_AUDIO_PORT_IS_MAIN) != 0});
        }
    };
    read_ports(true, inputs_);
    read_ports(false, outputs_);
}

std::vector<ParamDescription> Device::params() const {
    SCUFF_ASSERT_MAIN_THREAD();
    std::vector<ParamDescription> result;
    if (!params_) {
        return result;
    }
    uint32_t count = params_->count(plugin_);
    result.reserve(count);
    for (uint32_t i = 0; i < count; ++i) {
        clap_param_info_t info{};
        if (!params_->get_info(plugin_, i, &info)) {
            continue;
        }
        result.push_back({info.id, bounded_string(info.name, CLAP_NAME_SIZE),
                          bounded_string(info.module, CLAP_PATH_SIZE), info.min_value,
                          info.max_value, info.default_value, info.flags});
    }
    return result;
}

uint32_t Device::latency() const {
    SCUFF_ASSERT_MAIN_THREAD();
    if (!latency_ || lifecycle_ == Lifecycle::Initialized) {
        return 0;
    }
    return latency_->get(plugin_);
}

double Device::param_value(uint32_t param_id) const {
    SCUFF_ASSERT_MAIN_THREAD();
    double value = 0.0;
    if (!params_ || !params_->get_value(plugin_, param_id, &value)) {
        throw RequestError(ErrorCode::NoSuchParam,
                           "the plugin has no parameter with id " + std::to_string(param_id));
    }
    return value;
}

std::vector<uint8_t> Device::save_state() const {
    SCUFF_ASSERT_MAIN_THREAD();
    if (!state_) {
        std::vector<ParamValue> values;
        for (const auto& param : params()) {
            if (!(param.flags & CLAP_PARAM_IS_READONLY)) {
                values.push_back({param.id, param_value(param.id)});
            }
        }
        return encode_param_state(values);
    }
    StateWriter writer;
    clap_ostream_t stream{&writer, state_write};
    if (!state_->save(plugin_, &stream)) {
        throw RequestError(ErrorCode::BadState, "the plugin failed to save its state");
    }
    return std::move(writer.bytes);
}

bool Device::load_state(std::span<const uint8_t> data) {
    SCUFF_ASSERT_MAIN_THREAD();
    if (!state_) {
        stage_param_state(data);
        return true;
    }
    StateReader reader{data};
    clap_istream_t stream{&reader, state_read};
    if (!state_->load(plugin_, &stream)) {
        throw RequestError(ErrorCode::BadState, "the plugin rejected the state");
    }
    // The parameters may have changed with the state: the client hears of it.
    params_changed_ = true;
    services_.wake_main_loop();
    return false;
}

void Device::stage_param_state(std::span<const uint8_t> data) {
    auto values = decode_param_state(data);
    if (!values) {
        throw RequestError(ErrorCode::BadState,
                           "not a state of this plugin (it has no state extension, so its state "
                           "is its parameter values)");
    }
    auto known = params();
    for (const auto& value : *values) {
        auto param = std::find_if(known.begin(), known.end(), [&](const auto& p) { return p.id == value.id; });
        if (param == known.end() || !std::isfinite(value.value) || value.value < param->min_value ||
            value.value > param->max_value) {
            throw RequestError(ErrorCode::BadState, "the state holds a parameter value this plugin does not accept");
        }
    }
    staged_params_.clear();
    for (const auto& value : *values) {
        clap_event_param_value_t event{};
        event.header = {sizeof event, 0, CLAP_CORE_EVENT_SPACE_ID, CLAP_EVENT_PARAM_VALUE, 0};
        event.param_id = value.id;
        event.note_id = -1;
        event.port_index = -1;
        event.channel = -1;
        event.key = -1;
        event.value = value.value;
        staged_params_.push_back(event);
    }
}

void Device::attach_memory(os::SharedMemory memory, double sample_rate, uint32_t max_frames) {
    SCUFF_ASSERT_MAIN_THREAD();
    if (lifecycle_ != Lifecycle::Initialized) {
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
    build_buffers();
    activate();
}

void Device::activate() {
    SCUFF_ASSERT_MAIN_THREAD();
    if (!plugin_->activate(plugin_, sample_rate_, 1, layout_->max_frames())) {
        throw RequestError(ErrorCode::PluginFailed, "the plugin failed to activate");
    }
    lifecycle_ = Lifecycle::Active;
}

void Device::build_buffers() {
    auto build = [this](const std::vector<PortDescription>& ports, bool is_input,
                        std::vector<std::vector<float*>>& planes,
                        std::vector<clap_audio_buffer_t>& buffers) {
        planes.assign(ports.size(), {});
        buffers.assign(ports.size(), clap_audio_buffer_t{});
        for (size_t port = 0; port < ports.size(); ++port) {
            for (uint32_t channel = 0; channel < ports[port].channels; ++channel) {
                planes[port].push_back(is_input ? layout_->input_plane(memory_.data(), port, channel)
                                                : layout_->output_plane(memory_.data(), port, channel));
            }
            buffers[port].data32 = planes[port].data();
            buffers[port].channel_count = ports[port].channels;
        }
    };
    build(inputs_, true, input_planes_, input_buffers_);
    build(outputs_, false, output_planes_, output_buffers_);
}

void Device::finish_restart() {
    SCUFF_ASSERT_MAIN_THREAD();
    if (lifecycle_ != Lifecycle::Restarting) {
        return;
    }
    plugin_->deactivate(plugin_);
    lifecycle_ = Lifecycle::Initialized;
    activate();
}

void Device::on_timer(uint32_t timer_id) {
    SCUFF_ASSERT_MAIN_THREAD();
    if (timer_support_) {
        timer_support_->on_timer(plugin_, timer_id);
    }
}

Device::Requests Device::take_requests() {
    SCUFF_ASSERT_MAIN_THREAD();
    if (wants_callback_.exchange(false)) {
        plugin_->on_main_thread(plugin_);
    }
    Requests requests;
    requests.params_changed = params_changed_.exchange(false);
    requests.latency_changed = latency_changed_.exchange(false);
    requests.flush = wants_flush_.exchange(false);
    requests.restart = wants_restart_.exchange(false);
    requests.state_dirty = state_dirty_.exchange(false);
    requests.non_finite_blocks = non_finite_blocks_.exchange(0);
    return requests;
}

uint32_t Device::collect_param_changes(uint32_t frames) {
    param_event_count_ = 0;
    DeviceMemoryLayout::header(memory_.data())->params_in.drain([&](const ParamChange& change) {
        auto& event = param_events_[param_event_count_++];
        event.header = {sizeof(clap_event_param_value_t),
                        std::min(change.frame, frames == 0 ? 0 : frames - 1),
                        CLAP_CORE_EVENT_SPACE_ID, CLAP_EVENT_PARAM_VALUE, 0};
        event.param_id = change.param_id;
        event.cookie = nullptr;
        event.note_id = -1;
        event.port_index = -1;
        event.channel = -1;
        event.key = -1;
        event.value = change.value;
    });
    // Events must reach the plugin in time order; the queue is short, so an insertion
    // sort keeps equal times in the order they were sent.
    for (uint32_t i = 1; i < param_event_count_; ++i) {
        auto event = param_events_[i];
        uint32_t j = i;
        for (; j > 0 && param_events_[j - 1].header.time > event.header.time; --j) {
            param_events_[j] = param_events_[j - 1];
        }
        param_events_[j] = event;
    }
    return param_event_count_;
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
        if (!plugin_->start_processing(plugin_)) {
            silence_outputs(frames);
            return;
        }
        lifecycle_ = Lifecycle::Processing;
    }
    if (lifecycle_ != Lifecycle::Processing) {
        silence_outputs(frames);
        return;
    }
    EventList events{param_events_.data(), collect_param_changes(frames)};
    clap_input_events_t in_events{&events, event_list_size, event_list_get};
    OutputSink sink{&DeviceMemoryLayout::header(memory_.data())->params_out};
    clap_output_events_t out_events{&sink, output_try_push};
    for (auto& buffer : input_buffers_) buffer.constant_mask = 0;
    for (auto& buffer : output_buffers_) buffer.constant_mask = 0;
    clap_process_t process{};
    process.steady_time = steady_time_;
    process.frames_count = frames;
    process.transport = nullptr;
    process.audio_inputs = input_buffers_.data();
    process.audio_outputs = output_buffers_.data();
    process.audio_inputs_count = static_cast<uint32_t>(input_buffers_.size());
    process.audio_outputs_count = static_cast<uint32_t>(output_buffers_.size());
    process.in_events = &in_events;
    process.out_events = &out_events;
    if (plugin_->process(plugin_, &process) == CLAP_PROCESS_ERROR) {
        silence_outputs(frames);
    } else if (!outputs_finite(frames)) {
        // NaN or infinity would poison every device downstream and the host's mix.
        silence_outputs(frames);
        if (non_finite_blocks_.fetch_add(1, std::memory_order_relaxed) == 0) {
            services_.wake_main_loop();
        }
    }
    steady_time_ += frames;
}

void Device::flush_params_active() {
    SCUFF_ASSERT_AUDIO_THREAD();
    flush_queued_params();
}

void Device::flush_params_inactive() {
    SCUFF_ASSERT_MAIN_THREAD();
    flush_queued_params();
}

void Device::flush_queued_params() {
    if (!memory_.data()) {
        return;
    }
    EventList queued{param_events_.data(), collect_param_changes(1)};
    // Values restored from a parameter state follow the queued changes: a load wins.
    EventList staged{staged_params_.data(), static_cast<uint32_t>(staged_params_.size())};
    if (params_ && params_->flush) {
        OutputSink sink{&DeviceMemoryLayout::header(memory_.data())->params_out};
        clap_output_events_t out_events{&sink, output_try_push};
        for (EventList* events : {&queued, &staged}) {
            if (events->count > 0 || events == &queued) {
                clap_input_events_t in_events{events, event_list_size, event_list_get};
                params_->flush(plugin_, &in_events, &out_events);
            }
        }
    }
    staged_params_.clear();
}

void Device::stop_processing() {
    SCUFF_ASSERT_AUDIO_THREAD();
    if (lifecycle_ == Lifecycle::Processing) {
        plugin_->stop_processing(plugin_);
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
