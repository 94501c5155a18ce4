#include "vst3/device.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/request_error.hpp"
#include "core/thread_roles.hpp"
#include "scuff/vst3_text.hpp"
#include "vst3/buses.hpp"
#include "vst3/memory_stream.hpp"
#include "vst3/process_context.hpp"
#include "vst3/state.hpp"

namespace scuff::sbox {

using namespace Steinberg;
using protocol::ErrorCode;
using vst3::Owned;

namespace {

constexpr size_t kMaxParamsPerCall = 1024;
// Queues for parameters a plugin reports changed that it did not declare.
constexpr size_t kSpareParamQueues = 8;

Owned<Vst3MemoryStream> memory_stream(std::vector<uint8_t> bytes = {}) {
    return Owned<Vst3MemoryStream>(new Vst3MemoryStream(std::move(bytes)));
}

} // namespace

Vst3Device::Vst3Device(uint32_t id, std::shared_ptr<Vst3Module> module, const std::string& class_id,
                       HostServices& services)
    : Device(id, services), module_(std::move(module)), run_loop_(id, services), host_(new Vst3Host(*this)),
      input_changes_(0), output_changes_(0), input_events_(0), output_events_(0) {
    SCUFF_ASSERT_MAIN_THREAD();
    try {
        find_class(class_id);
        create_instance();
        settle_buses();
        read_params();
        size_process_lists();
        note_events_.emplace(controller(), note_inputs_, params_);
        editor_.emplace(controller(), static_cast<IPlugFrame*>(host_.get()), class_info_.name);
    } catch (...) {
        release_plugin();
        throw;
    }
}

Vst3Device::~Vst3Device() {
    SCUFF_ASSERT_MAIN_THREAD();
    if (lifecycle() == Lifecycle::Active || lifecycle() == Lifecycle::Restarting) {
        component().setActive(false);
    }
    release_plugin();
}

void Vst3Device::release_plugin() {
    editor_.reset();
    processor_.reset();
    instance_.reset();
    host_.reset();
}

// --- Creation ---

void Vst3Device::find_class(const std::string& class_id) {
    std::optional<std::string> wanted;
    if (!class_id.empty()) {
        wanted = vst3::class_id_from_hex(class_id);
        if (!wanted) {
            throw RequestError(ErrorCode::PluginNotFound, "'" + class_id + "' is not a VST3 class id (32 hex digits) in " +
                                                              module_->path().string());
        }
    }
    auto& factory = module_->factory();
    PFactoryInfo factory_info;
    if (factory.getFactoryInfo(&factory_info) == kResultOk) {
        factory_vendor_ = vst3::text(factory_info.vendor);
    }
    vst3::ClassReader classes(factory, static_cast<Vst::IHostApplication*>(host_.get()));
    for (int32 index = 0, count = classes.count(); index < count; ++index) {
        vst3::ClassInfo info;
        if (!classes.read(index, info) || info.category != kVstAudioEffectClass) {
            continue;
        }
        if (!wanted || std::memcmp(info.cid, wanted->data(), sizeof(TUID)) == 0) {
            class_info_ = info;
            return;
        }
    }
    throw RequestError(ErrorCode::PluginNotFound,
                       wanted ? "no audio plugin with the class id " + class_id + " in " + module_->path().string()
                              : "the VST3 module " + module_->path().string() + " holds no audio plugin");
}

void Vst3Device::create_instance() {
    try {
        instance_ = std::make_unique<Vst3PluginInstance>(
            module_->factory(), class_info_.cid, static_cast<Vst::IHostApplication*>(host_.get()), class_info_.name);
        processor_ = vst3::query<Vst::IAudioProcessor>(&component(), Vst::IAudioProcessor_iid);
        if (!processor_) {
            throw RequestError(ErrorCode::PluginFailed, class_info_.name + " is not an audio processor");
        }
        if (processor_->canProcessSampleSize(Vst::kSample32) != kResultOk) {
            throw RequestError(ErrorCode::PluginFailed, class_info_.name + " cannot process 32-bit samples");
        }
        if (!instance_->open_controller()) {
            return;  // No controller: a plugin without parameters.
        }
    } catch (const Vst3InstanceError& error) {
        throw RequestError(ErrorCode::PluginFailed, error.what());
    }
    instance_->set_component_handler(static_cast<Vst::IComponentHandler*>(host_.get()));
    if (instance_->separate_controller()) {
        // The controller starts from the component's state, as every VST3 host arranges.
        auto stream = memory_stream();
        if (component().getState(stream.get()) == kResultOk) {
            stream->seek(0, IBStream::kIBSeekSet, nullptr);
            controller()->setComponentState(stream.get());
        }
    }
}

void Vst3Device::settle_buses() {
    negotiate_buses(component(), *processor_);
    Vst3Buses buses = read_buses(component(), *processor_);
    inputs_ = std::move(buses.inputs);
    outputs_ = std::move(buses.outputs);
    note_inputs_ = buses.note_inputs;
    note_outputs_ = buses.note_outputs;
}

void Vst3Device::read_params() {
    if (Vst::IEditController* edit = controller()) {
        int32 count = edit->getParameterCount();
        check_param_count(count);
        params_ = Vst3ParamTable(*edit, count);
        controller_values_.emplace(*edit);
    }
    sync_.emplace(params_, controller_values_ ? &*controller_values_ : nullptr);
}

void Vst3Device::size_process_lists() {
    // Sized to the plugin, not to the limits: the limits' 1,024 queues of 64 points, in and
    // out, were 2 MB of pages to fault in and clear for every device made.
    size_t queues = std::min(params_.size() + kSpareParamQueues, kMaxParamsPerCall);
    input_changes_.resize(queues);
    output_changes_.resize(queues);
    input_events_.resize(note_inputs_ > 0 ? 2 * EventRing::capacity + 256 : 0);
    output_events_.resize(note_outputs_ > 0 ? EventRing::capacity : 0);
}

// --- What the client asks ---

PluginIdentity Vst3Device::identity() const {
    return {vst3::hex_id(class_info_.cid), class_info_.name,
            class_info_.vendor.empty() ? factory_vendor_ : class_info_.vendor, class_info_.version};
}

std::vector<ParamDescription> Vst3Device::params() const {
    SCUFF_ASSERT_MAIN_THREAD();
    return controller() ? params_.describe(*controller()) : std::vector<ParamDescription>{};
}

uint32_t Vst3Device::latency() const {
    SCUFF_ASSERT_MAIN_THREAD();
    if (lifecycle() == Lifecycle::Initialized) {
        return 0;
    }
    return processor_->getLatencySamples();
}

double Vst3Device::param_value(uint32_t param_id) {
    SCUFF_ASSERT_MAIN_THREAD();
    sync_->sync();
    if (!params_.contains(param_id)) {
        throw RequestError(ErrorCode::NoSuchParam, "the plugin has no parameter with id " + std::to_string(param_id));
    }
    if (auto exact = sync_->exact_value(param_id)) {
        return *exact;
    }
    return controller()->normalizedParamToPlain(param_id, controller()->getParamNormalized(param_id));
}

std::optional<std::string> Vst3Device::param_to_text(uint32_t param_id, double value) {
    SCUFF_ASSERT_MAIN_THREAD();
    if (!params_.contains(param_id)) {
        throw RequestError(ErrorCode::NoSuchParam, "the plugin has no parameter with id " + std::to_string(param_id));
    }
    Vst::String128 text{};
    if (controller()->getParamStringByValue(param_id, controller()->plainParamToNormalized(param_id, value), text) !=
        kResultOk) {
        return std::nullopt;
    }
    return vst3::text(text);
}

std::optional<double> Vst3Device::param_from_text(uint32_t param_id, const std::string& text) {
    SCUFF_ASSERT_MAIN_THREAD();
    if (!params_.contains(param_id)) {
        throw RequestError(ErrorCode::NoSuchParam, "the plugin has no parameter with id " + std::to_string(param_id));
    }
    auto wide = vst3::utf16(text);
    std::vector<Vst::TChar> terminated(wide.begin(), wide.end());
    terminated.push_back(0);
    Vst::ParamValue normalized = 0.0;
    if (controller()->getParamValueByString(param_id, terminated.data(), normalized) != kResultOk ||
        !std::isfinite(normalized)) {
        return std::nullopt;
    }
    return controller()->normalizedParamToPlain(param_id, std::clamp(normalized, 0.0, 1.0));
}

std::vector<uint8_t> Vst3Device::save_state() {
    SCUFF_ASSERT_MAIN_THREAD();
    sync_->sync();
    Vst3State state;
    auto component_stream = memory_stream();
    bool saved = component().getState(component_stream.get()) == kResultOk;
    if (!saved) {
        throw RequestError(ErrorCode::BadState, "the plugin failed to save its state");
    }
    state.component = component_stream->take();
    if (instance_->separate_controller()) {
        auto controller_stream = memory_stream();
        // A controller with nothing of its own to save may say so; its state is then empty.
        if (controller()->getState(controller_stream.get()) == kResultOk) {
            state.controller = controller_stream->take();
        }
    }
    // What the host holds exactly may not be in the component yet (an edit made in the editor
    // since the last block of audio): it travels with the state, and a load applies it again.
    state.values = sync_->values_to_save();
    return encode_vst3_state(state);
}

StateLoad Vst3Device::load_state(std::span<const uint8_t> data) {
    SCUFF_ASSERT_MAIN_THREAD();
    auto state = decode_vst3_state(data);
    if (!state) {
        throw RequestError(ErrorCode::BadState, "not the state of a VST3 plugin saved by scuff");
    }
    // Values set before the load belong to the past: the controller hears of them first, and
    // the processor must not be sent them again after it.
    sync_->begin_state_load();
    auto component_stream = memory_stream(state->component);
    bool loaded = component().setState(component_stream.get()) == kResultOk;
    if (!loaded) {
        // Some plugins cannot read back a state that holds nothing (DPF writes a single zero
        // byte): refusing the very state they hold changes nothing, so it is no failure.
        auto current = memory_stream();
        loaded = component().getState(current.get()) == kResultOk && current->bytes() == state->component;
    }
    if (!loaded) {
        throw RequestError(ErrorCode::BadState, "the plugin rejected the state");
    }
    if (instance_->separate_controller()) {
        component_stream->seek(0, IBStream::kIBSeekSet, nullptr);
        controller()->setComponentState(component_stream.get());
        if (!state->controller.empty()) {
            controller()->setState(memory_stream(std::move(state->controller)).get());
        }
    }
    sync_->apply_state_values(state->values);
    if (!state->values.empty()) {
        raise(wants_flush_);
    }
    raise(params_changed_);
    return StateLoad::Done;
}

// --- The plugin's calls ---

void Vst3Device::run_deferred_main_thread_work() {
    SCUFF_ASSERT_MAIN_THREAD();
    auto edits = sync_->take_edits();
    if (!edits) {
        return;
    }
    for (const auto& edit : *edits) {
        services_.param_edited(id(), edit.id, edit.value);
    }
    // The processor hears of them with the flush.
    raise(wants_flush_);
}

void Vst3Device::perform_edit(Vst::ParamID param_id, Vst::ParamValue normalized) {
    if (sync_->controller_edited(param_id, normalized)) {
        services_.wake_main_loop();
    }
}

void Vst3Device::restart_component(int32 flags) {
    if (flags & (Vst::kReloadComponent | Vst::kIoChanged | Vst::kLatencyChanged)) {
        // VST3 wants the component deactivated and activated again for each of these.
        if (flags & Vst::kLatencyChanged) {
            latency_changed_ = true;
        }
        request_restart();
    }
    if (flags & Vst::kParamValuesChanged) {
        sync_->plugin_values_changed();
        raise(params_changed_);
    }
    if (flags & (Vst::kParamTitlesChanged | Vst::kIoTitlesChanged)) {
        raise(params_changed_);
    }
}

bool Vst3Device::resize_view(IPlugView* view, ViewRect* size) {
    SCUFF_ASSERT_MAIN_THREAD();
    return editor_ && editor_->view_asks(view, *size, [this](EditorSize taken) {
        return services_.editor_resize_requested(id(), taken.width, taken.height);
    });
}

// --- Activation and processing ---

void Vst3Device::planes_ready() {
    input_buses_ = bus_buffers(input_plane_table());
    output_buses_ = bus_buffers(output_plane_table());
}

void Vst3Device::activate_plugin(double sample_rate, uint32_t max_frames) {
    SCUFF_ASSERT_MAIN_THREAD();
    sample_rate_ = sample_rate;
    Vst::ProcessSetup setup{offline_ ? Vst::kOffline : Vst::kRealtime, Vst::kSample32, static_cast<int32>(max_frames),
                            sample_rate};
    if (processor_->setupProcessing(setup) != kResultOk) {
        throw RequestError(ErrorCode::PluginFailed, class_info_.name + " refused the processing set-up");
    }
    if (component().setActive(true) != kResultOk) {
        throw RequestError(ErrorCode::PluginFailed, "the plugin failed to activate");
    }
}

ModeChange Vst3Device::set_offline(bool offline) {
    SCUFF_ASSERT_MAIN_THREAD();
    bool changed = offline_ != offline;
    offline_ = offline;
    // VST3 takes a process mode only through setupProcessing, while inactive.
    return changed && lifecycle() != Lifecycle::Initialized ? ModeChange::NeedsRestart : ModeChange::Done;
}

void Vst3Device::deactivate_plugin() {
    SCUFF_ASSERT_MAIN_THREAD();
    component().setActive(false);
}

bool Vst3Device::start_plugin_processing() {
    SCUFF_ASSERT_AUDIO_THREAD();
    // Many plugins answer kNotImplemented here; only a process call can fail for real.
    processor_->setProcessing(true);
    return true;
}

void Vst3Device::stop_plugin_processing() {
    SCUFF_ASSERT_AUDIO_THREAD();
    processor_->setProcessing(false);
}

bool Vst3Device::run_process(uint32_t frames) {
    SCUFF_ASSERT_AUDIO_THREAD();
    output_changes_.clear();
    output_events_.clear();
    context_.sampleRate = sample_rate_;
    context_.continousTimeSamples = steady_time_;
    Vst::ProcessData data{};
    data.processMode = offline_ ? Vst::kOffline : Vst::kRealtime;
    data.symbolicSampleSize = Vst::kSample32;
    data.numSamples = static_cast<int32>(frames);
    if (frames > 0) {
        data.numInputs = static_cast<int32>(input_buses_.size());
        data.numOutputs = static_cast<int32>(output_buses_.size());
        data.inputs = input_buses_.empty() ? nullptr : input_buses_.data();
        data.outputs = output_buses_.empty() ? nullptr : output_buses_.data();
        for (auto& bus : input_buses_) bus.silenceFlags = 0;
        for (auto& bus : output_buses_) bus.silenceFlags = 0;
    }
    data.inputParameterChanges = &input_changes_;
    data.outputParameterChanges = &output_changes_;
    data.inputEvents = note_inputs_ > 0 ? &input_events_ : nullptr;
    data.outputEvents = note_outputs_ > 0 ? &output_events_ : nullptr;
    data.processContext = &context_;
    bool ok = processor_->process(data) == kResultOk;
    sync_->deliver(output_changes_, params_out());
    read_output_events(output_events_, [this](const NoteEvent& note) { emit(note); });
    steady_time_ += frames;
    return ok;
}

bool Vst3Device::process_plugin(uint32_t frames, std::span<const ParamChange> changes,
                                std::span<const NoteEvent> events, const TransportState* transport) {
    SCUFF_ASSERT_AUDIO_THREAD();
    sync_->gather(changes, input_changes_);
    note_events_->translate_inputs(events, input_events_, *sync_, input_changes_);
    sync_->block_sent();
    if (transport) {
        set_transport(context_, *transport, sample_rate_);
    }
    return run_process(frames);
}

void Vst3Device::flush_plugin(std::span<const ParamChange> changes, bool active) {
    sync_->gather(changes, input_changes_);
    input_events_.clear();
    // Kept for the next block whether or not this call reaches the processor.
    sync_->resend_with_next_block(input_changes_);
    if (active && lifecycle() == Lifecycle::Active && start_plugin_processing()) {
        // A process call needs processing started, which otherwise waits for the first block.
        set_lifecycle(Lifecycle::Processing);
    }
    if (active && lifecycle() == Lifecycle::Processing) {
        // VST3's way to flush: a process call with no samples, which carries only parameters.
        run_process(0);
    }
}

} // namespace scuff::sbox
