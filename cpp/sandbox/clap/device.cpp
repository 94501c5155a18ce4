#include "clap/device.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "clap/preset_index.hpp"
#include "core/param_state.hpp"
#include "core/request_error.hpp"
#include "core/thread_roles.hpp"
#include "core/vst3_state_magic.hpp"
#include "scuff/param_limit.hpp"

namespace scuff::sbox {

using protocol::ErrorCode;

namespace {

// A CLAP plugin's parameter flags are the protocol's as they are.
constexpr bool same_flag(ParamFlag flag, uint32_t clap_flag) {
    return static_cast<uint32_t>(flag) == clap_flag;
}
static_assert(same_flag(kParamStepped, CLAP_PARAM_IS_STEPPED) && same_flag(kParamPeriodic, CLAP_PARAM_IS_PERIODIC) &&
              same_flag(kParamHidden, CLAP_PARAM_IS_HIDDEN) && same_flag(kParamReadOnly, CLAP_PARAM_IS_READONLY) &&
              same_flag(kParamBypass, CLAP_PARAM_IS_BYPASS) &&
              same_flag(kParamAutomatable, CLAP_PARAM_IS_AUTOMATABLE));

// What is kept of a plugin's reason for a failed preset load.
constexpr size_t kMaxPresetMessage = 1024;

std::string bounded_string(const char* text, size_t capacity) {
    return std::string(text, strnlen(text, capacity));
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

ClapDevice::ClapDevice(uint32_t id, std::shared_ptr<ClapLibrary> library, const std::string& plugin_id,
                       HostServices& services)
    : Device(id, services), library_(std::move(library)), in_events_(ParamRing::capacity + 2 * EventRing::capacity + 256) {
    SCUFF_ASSERT_MAIN_THREAD();
    const clap_plugin_descriptor_t* descriptor;
    try {
        descriptor = &library_->descriptor(plugin_id);
    } catch (const ClapLoadError& error) {
        throw RequestError(ErrorCode::PluginNotFound, error.what());
    }
    host_ = make_host();
    plugin_.reset(library_->factory().create_plugin(&library_->factory(), &host_, descriptor->id));
    if (!plugin_) {
        throw RequestError(ErrorCode::PluginFailed,
                           std::string("the factory could not create plugin ") + descriptor->id);
    }
    if (!plugin_->init(plugin_.get())) {
        throw RequestError(ErrorCode::PluginFailed,
                           std::string("plugin ") + descriptor->id + " failed to initialise");
    }
    auto extension = [this](const char* id) { return plugin_->get_extension(plugin_.get(), id); };
    audio_ports_ = static_cast<const clap_plugin_audio_ports_t*>(extension(CLAP_EXT_AUDIO_PORTS));
    params_ = static_cast<const clap_plugin_params_t*>(extension(CLAP_EXT_PARAMS));
    state_ = static_cast<const clap_plugin_state_t*>(extension(CLAP_EXT_STATE));
    latency_ = static_cast<const clap_plugin_latency_t*>(extension(CLAP_EXT_LATENCY));
    timer_support_ = static_cast<const clap_plugin_timer_support_t*>(extension(CLAP_EXT_TIMER_SUPPORT));
    render_ = static_cast<const clap_plugin_render_t*>(extension(CLAP_EXT_RENDER));
    preset_load_ = static_cast<const clap_plugin_preset_load_t*>(extension(CLAP_EXT_PRESET_LOAD));
    if (!preset_load_) {
        preset_load_ = static_cast<const clap_plugin_preset_load_t*>(extension(CLAP_EXT_PRESET_LOAD_COMPAT));
    }
    if (preset_load_ && !preset_load_->from_location) {
        preset_load_ = nullptr;
    }
    query_ports();
    check_param_count(params_ ? params_->count(plugin_.get()) : 0);
    for (const auto& param : params()) {
        if (param.flags & CLAP_PARAM_IS_READONLY) {
            readonly_params_.push_back(param.id);
        }
    }
    std::sort(readonly_params_.begin(), readonly_params_.end());
    editor_.emplace(plugin_.get(), identity().name);
}

ClapDevice::~ClapDevice() {
    SCUFF_ASSERT_MAIN_THREAD();
    editor_.reset();
    if (lifecycle() == Lifecycle::Active || lifecycle() == Lifecycle::Restarting) {
        plugin_->deactivate(plugin_.get());
    }
}

PluginIdentity ClapDevice::identity() const {
    const auto& descriptor = *plugin_->desc;
    auto text = [](const char* value) { return std::string(value ? value : ""); };
    return {text(descriptor.id), text(descriptor.name), text(descriptor.vendor), text(descriptor.version)};
}

void ClapDevice::query_ports() {
    auto read_ports = [this](bool is_input, std::vector<PortDescription>& ports) {
        ports.clear();
        if (!audio_ports_) {
            return;
        }
        uint32_t count = std::min(audio_ports_->count(plugin_.get(), is_input), kMaxPorts);
        for (uint32_t i = 0; i < count; ++i) {
            clap_audio_port_info_t info{};
            if (!audio_ports_->get(plugin_.get(), i, is_input, &info)) {
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
    if (const auto* note_ports = static_cast<const clap_plugin_note_ports_t*>(
            plugin_->get_extension(plugin_.get(), CLAP_EXT_NOTE_PORTS))) {
        note_inputs_ = std::min(note_ports->count(plugin_.get(), true), kMaxPorts);
        note_outputs_ = std::min(note_ports->count(plugin_.get(), false), kMaxPorts);
        note_ports_.assign(note_inputs_, ClapNotePort{});
        for (uint32_t i = 0; i < note_inputs_; ++i) {
            clap_note_port_info_t info{};
            if (note_ports->get(plugin_.get(), i, true, &info) && info.supported_dialects != 0) {
                note_ports_[i] = {info.supported_dialects, info.preferred_dialect};
            }
        }
    }
}

std::vector<ParamDescription> ClapDevice::params() const {
    SCUFF_ASSERT_MAIN_THREAD();
    std::vector<ParamDescription> result;
    if (!params_) {
        return result;
    }
    // A count that grew past the limit after creation is cut there: the client would refuse it whole.
    uint32_t count = std::min(params_->count(plugin_.get()), kMaxParams);
    result.reserve(count);
    for (uint32_t i = 0; i < count; ++i) {
        clap_param_info_t info{};
        if (!params_->get_info(plugin_.get(), i, &info)) {
            continue;
        }
        result.push_back({info.id, bounded_string(info.name, CLAP_NAME_SIZE),
                          bounded_string(info.module, CLAP_PATH_SIZE), info.min_value,
                          info.max_value, info.default_value, info.flags});
    }
    return result;
}

uint32_t ClapDevice::latency() const {
    SCUFF_ASSERT_MAIN_THREAD();
    if (!latency_ || lifecycle() == Lifecycle::Initialized) {
        return 0;
    }
    return latency_->get(plugin_.get());
}

double ClapDevice::param_value(uint32_t param_id) {
    SCUFF_ASSERT_MAIN_THREAD();
    double value = 0.0;
    if (!params_ || !params_->get_value(plugin_.get(), param_id, &value)) {
        throw RequestError(ErrorCode::NoSuchParam,
                           "the plugin has no parameter with id " + std::to_string(param_id));
    }
    return value;
}

std::optional<std::string> ClapDevice::param_to_text(uint32_t param_id, double value) {
    SCUFF_ASSERT_MAIN_THREAD();
    param_value(param_id);  // an unknown id is an error, not a missing text
    char text[256] = {};
    if (!params_->value_to_text || !params_->value_to_text(plugin_.get(), param_id, value, text, sizeof text)) {
        return std::nullopt;
    }
    return bounded_string(text, sizeof text);
}

std::optional<double> ClapDevice::param_from_text(uint32_t param_id, const std::string& text) {
    SCUFF_ASSERT_MAIN_THREAD();
    param_value(param_id);
    double value = 0.0;
    if (!params_->text_to_value || !params_->text_to_value(plugin_.get(), param_id, text.c_str(), &value) ||
        !std::isfinite(value)) {
        return std::nullopt;
    }
    return value;
}

std::vector<uint8_t> ClapDevice::save_state() {
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
    if (!state_->save(plugin_.get(), &stream)) {
        throw RequestError(ErrorCode::BadState, "the plugin failed to save its state");
    }
    return std::move(writer.bytes);
}

StateLoad ClapDevice::load_state(std::span<const uint8_t> data) {
    SCUFF_ASSERT_MAIN_THREAD();
    if (is_vst3_state(data)) {
        throw RequestError(ErrorCode::BadState, "this is the state of a VST3 plugin; a CLAP plugin cannot load it");
    }
    if (!state_) {
        stage_param_state(data);
        return StateLoad::NeedsFlush;
    }
    StateReader reader{data};
    clap_istream_t stream{&reader, state_read};
    if (!state_->load(plugin_.get(), &stream)) {
        throw RequestError(ErrorCode::BadState, "the plugin rejected the state");
    }
    // The parameters may have changed with the state: the client hears of it.
    raise(params_changed_);
    return StateLoad::Done;
}

void ClapDevice::stage_param_state(std::span<const uint8_t> data) {
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
        staged_params_.push_back(clap_param_event(value.id, 0, value.value));
    }
}

void ClapDevice::load_preset(const PresetLocation& location) {
    SCUFF_ASSERT_MAIN_THREAD();
    if (!preset_load_) {
        throw RequestError(ErrorCode::NoPresetLoad, "the plugin does not offer clap.preset-load");
    }
    bool is_file = location.kind == PresetLocation::Kind::File;
    if (is_file && !location.path) {
        throw RequestError(ErrorCode::BadRequest, "a preset file needs its path");
    }
    // A plugin's presets have no location: the spec passes null.
    const char* path = is_file ? location.path->c_str() : nullptr;
    const char* load_key = location.load_key ? location.load_key->c_str() : nullptr;
    preset_report_ = {true, std::nullopt};
    bool loaded = preset_load_->from_location(
        plugin_.get(), is_file ? CLAP_PRESET_DISCOVERY_LOCATION_FILE : CLAP_PRESET_DISCOVERY_LOCATION_PLUGIN, path,
        load_key);
    PresetLoadReport report = std::move(preset_report_);
    preset_report_ = {};
    if (!loaded) {
        throw RequestError(ErrorCode::PresetLoadFailed,
                           report.error ? *report.error : "the plugin failed to load the preset and gave no reason");
    }
    // A preset replaces the plugin's state: the parameters may have changed with it.
    raise(params_changed_);
}

std::vector<ListedPreset> ClapDevice::list_presets() {
    SCUFF_ASSERT_MAIN_THREAD();
    return index_presets(*library_, identity().id);
}

void ClapDevice::preset_load_failed(int32_t os_error, const char* message) {
    SCUFF_ASSERT_MAIN_THREAD();
    if (!preset_report_.under_way) {
        // An error from a load the plugin made on its own (its own browser): it keeps its state.
        return;
    }
    std::string reason = message ? bounded_string(message, kMaxPresetMessage) : "";
    if (reason.empty()) {
        reason = "the plugin failed to load the preset";
    }
    if (os_error != 0) {
        reason += " (" + std::string(std::strerror(os_error)) + ")";
    }
    // The first error is the cause; later ones usually follow from it.
    if (!preset_report_.error) {
        preset_report_.error = std::move(reason);
    }
}

void ClapDevice::preset_loaded() {
    SCUFF_ASSERT_MAIN_THREAD();
    if (preset_report_.under_way) {
        // The load under way: its reply says so.
        return;
    }
    // The user picked a preset in the plugin itself: its state and parameters changed.
    raise(params_changed_);
    raise(state_dirty_);
}

void ClapDevice::planes_ready() {
    auto build = [](const std::vector<std::vector<float*>>& planes, std::vector<clap_audio_buffer_t>& buffers) {
        buffers.assign(planes.size(), clap_audio_buffer_t{});
        for (size_t port = 0; port < planes.size(); ++port) {
            // The plane table outlives the buffers and never reallocates after this.
            buffers[port].data32 = const_cast<float**>(planes[port].data());
            buffers[port].channel_count = static_cast<uint32_t>(planes[port].size());
        }
    };
    build(input_plane_table(), input_buffers_);
    build(output_plane_table(), output_buffers_);
}

void ClapDevice::activate_plugin(double sample_rate, uint32_t max_frames) {
    SCUFF_ASSERT_MAIN_THREAD();
    if (!plugin_->activate(plugin_.get(), sample_rate, 1, max_frames)) {
        throw RequestError(ErrorCode::PluginFailed, "the plugin failed to activate");
    }
}

void ClapDevice::deactivate_plugin() {
    SCUFF_ASSERT_MAIN_THREAD();
    plugin_->deactivate(plugin_.get());
}

void ClapDevice::on_timer(uint32_t timer_id) {
    SCUFF_ASSERT_MAIN_THREAD();
    if (timer_support_) {
        timer_support_->on_timer(plugin_.get(), timer_id);
    }
}

void ClapDevice::run_deferred_main_thread_work() {
    SCUFF_ASSERT_MAIN_THREAD();
    if (wants_callback_.exchange(false)) {
        plugin_->on_main_thread(plugin_.get());
    }
    if (gui_closed_.exchange(false)) {
        editor_closed_by_plugin(gui_destroyed_.exchange(false));
    }
}

void ClapDevice::editor_closed_by_plugin(bool was_destroyed) {
    SCUFF_ASSERT_MAIN_THREAD();
    if (editor_) {
        editor_->closed_by_plugin(was_destroyed);
    }
    services_.editor_closed(id());
}

ModeChange ClapDevice::set_offline(bool offline) {
    SCUFF_ASSERT_MAIN_THREAD();
    if (render_ && render_->set) {
        render_->set(plugin_.get(), offline ? CLAP_RENDER_OFFLINE : CLAP_RENDER_REALTIME);
    }
    return ModeChange::Done;
}

bool ClapDevice::output_try_push(const clap_output_events_t* list, const clap_event_header_t* event) {
    auto* self = static_cast<ClapDevice*>(list->ctx);
    if (!event) {
        return false;
    }
    if (event->space_id == CLAP_CORE_EVENT_SPACE_ID && event->type == CLAP_EVENT_PARAM_VALUE &&
        event->size >= sizeof(clap_event_param_value_t)) {
        // Values the plugin changes itself (meters, internal automation) go back to the client.
        const auto* value = reinterpret_cast<const clap_event_param_value_t*>(event);
        // Not a modulation or automation of the host's: the plugin's own change, as a
        // gesture in its editor, which the client records like a value it set. Meters
        // (read-only) change every block and are no edits: they never wake the main loop.
        if (std::isfinite(value->value) &&
            !std::binary_search(self->readonly_params_.begin(), self->readonly_params_.end(), value->param_id)) {
            self->record_own_edit(value->param_id, value->value);
        }
        return self->params_out().push({value->param_id, event->time, value->value});
    }
    NoteEvent note;
    if (note_event_from_clap(*event, note)) {
        self->emit(note);
    }
    return true;
}

bool ClapDevice::start_plugin_processing() {
    SCUFF_ASSERT_AUDIO_THREAD();
    return plugin_->start_processing(plugin_.get());
}

void ClapDevice::stop_plugin_processing() {
    SCUFF_ASSERT_AUDIO_THREAD();
    plugin_->stop_processing(plugin_.get());
}

bool ClapDevice::process_plugin(uint32_t frames, std::span<const ParamChange> changes,
                                std::span<const NoteEvent> events, const TransportState* transport) {
    SCUFF_ASSERT_AUDIO_THREAD();
    in_events_.fill(changes, events, note_ports_);
    if (transport) {
        transport_ = clap_transport(*transport);
    }
    for (auto& buffer : input_buffers_) buffer.constant_mask = 0;
    for (auto& buffer : output_buffers_) buffer.constant_mask = 0;
    clap_process_t process{};
    process.steady_time = steady_time_;
    process.frames_count = frames;
    process.transport = transport ? &transport_ : nullptr;
    process.audio_inputs = input_buffers_.data();
    process.audio_outputs = output_buffers_.data();
    process.audio_inputs_count = static_cast<uint32_t>(input_buffers_.size());
    process.audio_outputs_count = static_cast<uint32_t>(output_buffers_.size());
    process.in_events = in_events_.input();
    process.out_events = &out_events_;
    steady_time_ += frames;
    return plugin_->process(plugin_.get(), &process) != CLAP_PROCESS_ERROR;
}

void ClapDevice::flush_plugin(std::span<const ParamChange> changes, bool) {
    if (params_ && params_->flush) {
        in_events_.fill(changes, {}, {});
        params_->flush(plugin_.get(), in_events_.input(), &out_events_);
        // Values restored from a parameter state follow the queued changes: a load wins.
        if (!staged_params_.empty()) {
            in_events_.clear();
            in_events_.append_params(staged_params_);
            params_->flush(plugin_.get(), in_events_.input(), &out_events_);
        }
    }
    staged_params_.clear();
}

} // namespace scuff::sbox
