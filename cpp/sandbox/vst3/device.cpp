#include "vst3/device.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/bar_position.hpp"
#include "core/midi_message.hpp"
#include "core/request_error.hpp"
#include "core/thread_roles.hpp"
#include "pluginterfaces/vst/ivstmidicontrollers.h"
#include "scuff/param_limit.hpp"
#include "scuff/vst3_text.hpp"
#include "vst3/memory_stream.hpp"
#include "vst3/state.hpp"

namespace scuff::sbox {

using namespace Steinberg;
using protocol::ErrorCode;
using vst3::query;

namespace {

// A component without a separate controller class answers with an all-zero class id.
constexpr TUID kNoClass{};
constexpr size_t kMaxParamsPerCall = 1024;

Vst::SpeakerArrangement arrangement_for(int32 channels) {
    if (channels <= 0) return 0;
    if (channels >= 64) return ~Vst::SpeakerArrangement{0};
    return (Vst::SpeakerArrangement{1} << channels) - 1;
}

uint32_t param_flags(const Vst::ParameterInfo& info) {
    uint32_t flags = 0;
    if (info.stepCount > 0) flags |= kParamStepped;
    if (info.flags & Vst::ParameterInfo::kIsWrapAround) flags |= kParamPeriodic;
    if (info.flags & Vst::ParameterInfo::kIsHidden) flags |= kParamHidden;
    if (info.flags & Vst::ParameterInfo::kIsReadOnly) flags |= kParamReadOnly;
    if (info.flags & Vst::ParameterInfo::kIsBypass) flags |= kParamBypass;
    if (info.flags & Vst::ParameterInfo::kCanAutomate) flags |= kParamAutomatable;
    return flags;
}

template <class Interface>
void release(Interface*& object) {
    if (object) {
        object->release();
        object = nullptr;
    }
}

} // namespace

Vst3Device::Vst3Device(uint32_t id, std::shared_ptr<Vst3Module> module, const std::string& class_id,
                       HostServices& services)
    : Device(id, services), module_(std::move(module)), host_(new Vst3Host(*this)),
      input_changes_(kMaxParamsPerCall), output_changes_(kMaxParamsPerCall),
      input_events_(2 * EventRing::capacity + 256), output_events_(EventRing::capacity) {
    SCUFF_ASSERT_MAIN_THREAD();
    resend_.resize(ParamRing::capacity);
    try {
        find_class(class_id);
        create_component();
        create_controller();
        settle_buses();
        read_params();
        read_midi_mapping();
        probe_editor();
    } catch (...) {
        release_plugin();
        throw;
    }
}

Vst3Device::~Vst3Device() {
    SCUFF_ASSERT_MAIN_THREAD();
    if (lifecycle() == Lifecycle::Active || lifecycle() == Lifecycle::Restarting) {
        component_->setActive(false);
    }
    release_plugin();
}

void Vst3Device::release_plugin() {
    close_editor();
    if (component_connection_ && controller_connection_) {
        component_connection_->disconnect(controller_connection_);
        controller_connection_->disconnect(component_connection_);
    }
    release(component_connection_);
    release(controller_connection_);
    if (controller_) {
        controller_->setComponentHandler(nullptr);
        if (separate_controller_) {
            controller_->terminate();
        }
        release(controller_);
    }
    release(processor_);
    if (component_) {
        if (component_initialized_) {
            component_->terminate();
        }
        release(component_);
    }
    // A plugin should have let go of its timers and descriptors by now; any left are the host's to drop.
    for (const auto& timer : timers_) {
        services_.unregister_timer(id(), timer.id);
    }
    timers_.clear();
    for (const auto& watched : fds_) {
        services_.unwatch_fd(id(), watched.fd);
    }
    fds_.clear();
    if (host_) {
        host_->detach();
        host_->release();
        host_ = nullptr;
    }
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
    vst3::ClassReader classes(factory, static_cast<Vst::IHostApplication*>(host_));
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

void Vst3Device::create_component() {
    void* object = nullptr;
    if (module_->factory().createInstance(class_info_.cid, Vst::IComponent_iid, &object) != kResultOk || !object) {
        throw RequestError(ErrorCode::PluginFailed, "the factory could not create " + class_info_.name);
    }
    component_ = static_cast<Vst::IComponent*>(object);
    if (component_->initialize(static_cast<Vst::IHostApplication*>(host_)) != kResultOk) {
        throw RequestError(ErrorCode::PluginFailed, class_info_.name + " failed to initialise");
    }
    component_initialized_ = true;
    processor_ = query<Vst::IAudioProcessor>(component_, Vst::IAudioProcessor_iid).release();
    if (!processor_) {
        throw RequestError(ErrorCode::PluginFailed, class_info_.name + " is not an audio processor");
    }
    if (processor_->canProcessSampleSize(Vst::kSample32) != kResultOk) {
        throw RequestError(ErrorCode::PluginFailed, class_info_.name + " cannot process 32-bit samples");
    }
}

void Vst3Device::create_controller() {
    controller_ = query<Vst::IEditController>(component_, Vst::IEditController_iid).release();
    if (!controller_) {
        TUID controller_class{};
        void* object = nullptr;
        if (component_->getControllerClassId(controller_class) != kResultOk ||
            std::memcmp(controller_class, kNoClass, sizeof(TUID)) == 0) {
            return;  // No controller: a plugin without parameters.
        }
        if (module_->factory().createInstance(controller_class, Vst::IEditController_iid, &object) != kResultOk ||
            !object) {
            throw RequestError(ErrorCode::PluginFailed, "the factory could not create the controller of " +
                                                            class_info_.name);
        }
        controller_ = static_cast<Vst::IEditController*>(object);
        if (controller_->initialize(static_cast<Vst::IHostApplication*>(host_)) != kResultOk) {
            release(controller_);
            throw RequestError(ErrorCode::PluginFailed, "the controller of " + class_info_.name + " failed to initialise");
        }
        separate_controller_ = true;
        component_connection_ = query<Vst::IConnectionPoint>(component_, Vst::IConnectionPoint_iid).release();
        controller_connection_ = query<Vst::IConnectionPoint>(controller_, Vst::IConnectionPoint_iid).release();
        if (component_connection_ && controller_connection_) {
            component_connection_->connect(controller_connection_);
            controller_connection_->connect(component_connection_);
        }
    }
    controller_->setComponentHandler(static_cast<Vst::IComponentHandler*>(host_));
    if (separate_controller_) {
        // The controller starts from the component's state, as every VST3 host arranges.
        auto* stream = new Vst3MemoryStream();
        if (component_->getState(stream) == kResultOk) {
            stream->seek(0, IBStream::kIBSeekSet, nullptr);
            controller_->setComponentState(stream);
        }
        stream->release();
    }
}

void Vst3Device::settle_buses() {
    // Offer the plugin the arrangements it prefers; if it refuses its own, try stereo, then mono.
    auto current = [this](Vst::BusDirection direction) {
        std::vector<Vst::SpeakerArrangement> arrangements;
        int32 count = std::min<int32>(component_->getBusCount(Vst::kAudio, direction), kMaxPorts);
        for (int32 index = 0; index < count; ++index) {
            Vst::SpeakerArrangement arrangement = 0;
            if (processor_->getBusArrangement(direction, index, arrangement) != kResultOk) {
                Vst::BusInfo info{};
                component_->getBusInfo(Vst::kAudio, direction, index, info);
                arrangement = arrangement_for(info.channelCount);
            }
            arrangements.push_back(arrangement);
        }
        return arrangements;
    };
    auto inputs = current(Vst::kInput), outputs = current(Vst::kOutput);
    auto offer = [this](std::vector<Vst::SpeakerArrangement> ins, std::vector<Vst::SpeakerArrangement> outs) {
        return processor_->setBusArrangements(ins.data(), static_cast<int32>(ins.size()), outs.data(),
                                              static_cast<int32>(outs.size())) == kResultOk;
    };
    auto all = [](const std::vector<Vst::SpeakerArrangement>& buses, Vst::SpeakerArrangement arrangement) {
        return std::vector<Vst::SpeakerArrangement>(buses.size(), arrangement);
    };
    if (!offer(inputs, outputs) && !offer(all(inputs, Vst::SpeakerArr::kStereo), all(outputs, Vst::SpeakerArr::kStereo))) {
        offer(all(inputs, Vst::SpeakerArr::kMono), all(outputs, Vst::SpeakerArr::kMono));
    }
    for (auto direction : {Vst::kInput, Vst::kOutput}) {
        int32 audio = std::min<int32>(component_->getBusCount(Vst::kAudio, direction), kMaxPorts);
        for (int32 index = 0; index < audio; ++index) {
            component_->activateBus(Vst::kAudio, direction, index, true);
        }
        int32 events = std::min<int32>(component_->getBusCount(Vst::kEvent, direction), kMaxPorts);
        for (int32 index = 0; index < events; ++index) {
            component_->activateBus(Vst::kEvent, direction, index, true);
        }
    }
    read_ports();
}

void Vst3Device::read_ports() {
    auto read = [this](Vst::BusDirection direction, std::vector<PortDescription>& ports) {
        ports.clear();
        int32 count = std::min<int32>(component_->getBusCount(Vst::kAudio, direction), kMaxPorts);
        for (int32 index = 0; index < count; ++index) {
            Vst::BusInfo info{};
            if (component_->getBusInfo(Vst::kAudio, direction, index, info) != kResultOk) {
                throw RequestError(ErrorCode::PluginFailed, "the plugin failed to describe an audio bus");
            }
            Vst::SpeakerArrangement arrangement = 0;
            int32 channels = info.channelCount;
            if (processor_->getBusArrangement(direction, index, arrangement) == kResultOk) {
                channels = std::popcount(arrangement);
            }
            if (channels < 0 || channels > static_cast<int32>(kMaxChannelsPerPort)) {
                throw RequestError(ErrorCode::PluginFailed, "the plugin reports an audio bus with too many channels");
            }
            ports.push_back({static_cast<uint32_t>(index), vst3::text(info.name), static_cast<uint32_t>(channels),
                             info.busType == Vst::kMain});
        }
    };
    read(Vst::kInput, inputs_);
    read(Vst::kOutput, outputs_);
    note_inputs_ = static_cast<uint32_t>(std::clamp<int32>(component_->getBusCount(Vst::kEvent, Vst::kInput), 0, kMaxPorts));
    note_outputs_ = static_cast<uint32_t>(std::clamp<int32>(component_->getBusCount(Vst::kEvent, Vst::kOutput), 0, kMaxPorts));
}

void Vst3Device::read_params() {
    if (!controller_) {
        return;
    }
    int32 count = controller_->getParameterCount();
    check_param_count(count);
    for (int32 index = 0; index < count; ++index) {
        Vst::ParameterInfo info{};
        if (controller_->getParameterInfo(index, info) != kResultOk) {
            continue;
        }
        Vst::ParamID param_id = info.id;
        double at_zero = controller_->normalizedParamToPlain(param_id, 0.0);
        double at_one = controller_->normalizedParamToPlain(param_id, 1.0);
        double default_plain = controller_->normalizedParamToPlain(param_id, info.defaultNormalizedValue);
        ParamDescription description{param_id, vst3::text(info.title), "", std::min(at_zero, at_one),
                                     std::max(at_zero, at_one), default_plain, param_flags(info)};
        Vst3ParamMapping mapping([this, param_id](double normalized) {
            return controller_->normalizedParamToPlain(param_id, normalized);
        });
        params_.insert_or_assign(param_id, Param{std::move(description), mapping, info.stepCount});
    }
}

void Vst3Device::read_midi_mapping() {
    midi_map_.assign(static_cast<size_t>(note_inputs_) * 16 * Vst::kCountCtrlNumber, kNoParam);
    auto midi_mapping = query<Vst::IMidiMapping>(controller_, Vst::IMidiMapping_iid);
    if (!midi_mapping) {
        return;
    }
    for (uint32_t bus = 0; bus < note_inputs_; ++bus) {
        for (int16 channel = 0; channel < 16; ++channel) {
            for (int16 controller = 0; controller < Vst::kCountCtrlNumber; ++controller) {
                Vst::ParamID param_id = kNoParam;
                if (midi_mapping->getMidiControllerAssignment(static_cast<int32>(bus), channel, controller, param_id) ==
                        kResultOk &&
                    params_.contains(param_id)) {
                    midi_map_[(bus * 16 + channel) * Vst::kCountCtrlNumber + controller] = param_id;
                }
            }
        }
    }
}

const Vst3ParamMapping& Vst3Device::mapping(Vst::ParamID param_id) const {
    static const Vst3ParamMapping identity;
    auto found = params_.find(param_id);
    return found == params_.end() ? identity : found->second.mapping;
}

// --- What the client asks ---

PluginIdentity Vst3Device::identity() const {
    return {vst3::hex_id(class_info_.cid), class_info_.name,
            class_info_.vendor.empty() ? factory_vendor_ : class_info_.vendor, class_info_.version};
}

std::vector<ParamDescription> Vst3Device::params() const {
    SCUFF_ASSERT_MAIN_THREAD();
    std::vector<ParamDescription> result;
    if (!controller_) {
        return result;
    }
    // Titles and flags may change (kParamTitlesChanged); ranges and mappings are settled at creation.
    // A count that grew past the limit after creation is cut there: the client would refuse it whole.
    int32 count = std::min(controller_->getParameterCount(), static_cast<int32>(kMaxParams));
    for (int32 index = 0; index < count; ++index) {
        Vst::ParameterInfo info{};
        if (controller_->getParameterInfo(index, info) != kResultOk) {
            continue;
        }
        auto known = params_.find(info.id);
        if (known == params_.end()) {
            continue;
        }
        ParamDescription description = known->second.description;
        description.name = vst3::text(info.title);
        description.flags = param_flags(info);
        result.push_back(std::move(description));
    }
    return result;
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
    sync_controller();
    if (!params_.contains(param_id)) {
        throw RequestError(ErrorCode::NoSuchParam, "the plugin has no parameter with id " + std::to_string(param_id));
    }
    if (auto set = set_by_host_.find(param_id); set != set_by_host_.end()) {
        return set->second;
    }
    return controller_->normalizedParamToPlain(param_id, controller_->getParamNormalized(param_id));
}

std::optional<std::string> Vst3Device::param_to_text(uint32_t param_id, double value) {
    SCUFF_ASSERT_MAIN_THREAD();
    if (!params_.contains(param_id)) {
        throw RequestError(ErrorCode::NoSuchParam, "the plugin has no parameter with id " + std::to_string(param_id));
    }
    Vst::String128 text{};
    if (controller_->getParamStringByValue(param_id, controller_->plainParamToNormalized(param_id, value), text) !=
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
    if (controller_->getParamValueByString(param_id, terminated.data(), normalized) != kResultOk ||
        !std::isfinite(normalized)) {
        return std::nullopt;
    }
    return controller_->normalizedParamToPlain(param_id, std::clamp(normalized, 0.0, 1.0));
}

std::vector<uint8_t> Vst3Device::save_state() {
    SCUFF_ASSERT_MAIN_THREAD();
    sync_controller();
    Vst3State state;
    auto* component_stream = new Vst3MemoryStream();
    bool saved = component_->getState(component_stream) == kResultOk;
    state.component = component_stream->take();
    component_stream->release();
    if (!saved) {
        throw RequestError(ErrorCode::BadState, "the plugin failed to save its state");
    }
    if (separate_controller_) {
        auto* controller_stream = new Vst3MemoryStream();
        // A controller with nothing of its own to save may say so; its state is then empty.
        if (controller_->getState(controller_stream) == kResultOk) {
            state.controller = controller_stream->take();
        }
        controller_stream->release();
    }
    // What the host holds exactly may not be in the component yet (an edit made in the editor
    // since the last block of audio): it travels with the state, and a load applies it again.
    for (const auto& [param_id, value] : set_by_host_) {
        auto param = params_.find(param_id);
        if (param != params_.end() && !(param->second.description.flags & kParamReadOnly)) {
            state.values.emplace_back(param_id, value);
        }
    }
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
    sync_controller();
    drop_resend_ = true;
    auto* component_stream = new Vst3MemoryStream(state->component);
    bool loaded = component_->setState(component_stream) == kResultOk;
    if (!loaded) {
        // Some plugins cannot read back a state that holds nothing (DPF writes a single zero
        // byte): refusing the very state they hold changes nothing, so it is no failure.
        auto* current = new Vst3MemoryStream();
        loaded = component_->getState(current) == kResultOk && current->bytes() == state->component;
        current->release();
    }
    if (loaded && controller_ && separate_controller_) {
        component_stream->seek(0, IBStream::kIBSeekSet, nullptr);
        controller_->setComponentState(component_stream);
        if (!state->controller.empty()) {
            auto* controller_stream = new Vst3MemoryStream(std::move(state->controller));
            controller_->setState(controller_stream);
            controller_stream->release();
        }
    }
    component_stream->release();
    if (!loaded) {
        throw RequestError(ErrorCode::BadState, "the plugin rejected the state");
    }
    set_by_host_.clear();
    for (const auto& [param_id, value] : state->values) {
        auto param = params_.find(param_id);
        if (param == params_.end() || !std::isfinite(value) || value < param->second.description.min_value ||
            value > param->second.description.max_value) {
            continue;  // Not this plugin's, or out of its range: the component's own value stands.
        }
        double normalized = controller_->plainParamToNormalized(param_id, value);
        set_by_host_[param_id] = value;
        controller_->setParamNormalized(param_id, normalized);
        controller_edits_.push({param_id, 0, normalized});
    }
    if (!state->values.empty()) {
        raise(wants_flush_);
    }
    raise(params_changed_);
    return StateLoad::Done;
}

// --- The main loop's work ---

// --- The editor: IPlugView in an X11 window, framed by the host object ---

void Vst3Device::probe_editor() {
    IPlugView* view = controller_->createView(Vst::ViewType::kEditor);
    if (!view) {
        return;
    }
    has_editor_ = view->isPlatformTypeSupported(kPlatformTypeX11EmbedWindowID) == kResultTrue;
    view->release();
}

EditorSize Vst3Device::open_editor(uint64_t parent, uint64_t, const std::string&) {
    SCUFF_ASSERT_MAIN_THREAD();
    close_editor();
    auto fail = [this](const std::string& what) {
        close_editor();
        return RequestError(ErrorCode::EditorFailed, identity().name + ": " + what);
    };
    if (parent == 0) {
        throw fail("a VST3 editor needs a window to embed in");
    }
    view_ = controller_->createView(Vst::ViewType::kEditor);
    if (!view_) {
        throw fail("the plugin made no editor view");
    }
    view_->setFrame(static_cast<IPlugFrame*>(host_));
    if (view_->attached(reinterpret_cast<void*>(static_cast<uintptr_t>(parent)), kPlatformTypeX11EmbedWindowID) !=
        kResultOk) {
        throw fail("the plugin's editor failed to attach to its window");
    }
    ViewRect rect;
    if (view_->getSize(&rect) != kResultOk || rect.getWidth() <= 0 || rect.getHeight() <= 0) {
        throw fail("the plugin's editor has no size");
    }
    return {static_cast<uint32_t>(rect.getWidth()), static_cast<uint32_t>(rect.getHeight())};
}

void Vst3Device::close_editor() {
    if (!view_) {
        return;
    }
    IPlugView* view = view_;
    view_ = nullptr;
    view->removed();
    view->setFrame(nullptr);
    view->release();
}

bool Vst3Device::editor_resizable() {
    SCUFF_ASSERT_MAIN_THREAD();
    return view_ && view_->canResize() == kResultTrue;
}

EditorSize Vst3Device::resize_editor(EditorSize wanted) {
    SCUFF_ASSERT_MAIN_THREAD();
    ViewRect current;
    if (!view_ || view_->getSize(&current) != kResultOk) {
        throw RequestError(ErrorCode::EditorFailed, identity().name + ": the editor is not open");
    }
    EditorSize kept{static_cast<uint32_t>(current.getWidth()), static_cast<uint32_t>(current.getHeight())};
    if (!editor_resizable()) {
        return kept;
    }
    ViewRect rect(0, 0, static_cast<int32>(wanted.width), static_cast<int32>(wanted.height));
    view_->checkSizeConstraint(&rect);
    if (rect.getWidth() <= 0 || rect.getHeight() <= 0 || view_->onSize(&rect) != kResultOk) {
        return kept;
    }
    return {static_cast<uint32_t>(rect.getWidth()), static_cast<uint32_t>(rect.getHeight())};
}

bool Vst3Device::resize_view(IPlugView* view, ViewRect* size) {
    SCUFF_ASSERT_MAIN_THREAD();
    if (view != view_ || size->getWidth() <= 0 || size->getHeight() <= 0) {
        return false;
    }
    if (!services_.editor_resize_requested(id(), static_cast<uint32_t>(size->getWidth()),
                                           static_cast<uint32_t>(size->getHeight()))) {
        return false;
    }
    // The frame took the size; the view hears it through onSize, as the SDK asks.
    view_->onSize(size);
    return true;
}

void Vst3Device::on_timer(uint32_t timer_id) {
    SCUFF_ASSERT_MAIN_THREAD();
    for (const auto& timer : timers_) {
        if (timer.id == timer_id) {
            timer.handler->onTimer();
            return;
        }
    }
}

void Vst3Device::on_fd_ready(int fd) {
    SCUFF_ASSERT_MAIN_THREAD();
    // Copied: a handler may unregister itself while it runs.
    auto watched = fds_;
    for (const auto& entry : watched) {
        if (entry.fd == fd) {
            entry.handler->onFDIsSet(fd);
        }
    }
}

void Vst3Device::run_deferred_main_thread_work() {
    SCUFF_ASSERT_MAIN_THREAD();
    sync_controller();
    if (values_stale_.exchange(false)) {
        set_by_host_.clear();
    }
    if (!edits_pending_.exchange(false)) {
        return;
    }
    std::vector<std::pair<Vst::ParamID, double>> edits;
    {
        std::lock_guard lock(edits_mutex_);
        edits.swap(edits_);
    }
    for (const auto& [param_id, normalized] : edits) {
        if (!params_.contains(param_id)) {
            continue;
        }
        // The newest value, known to the host exactly, until the plugin changes it again.
        double plain = controller_->normalizedParamToPlain(param_id, normalized);
        set_by_host_[param_id] = plain;
        services_.param_edited(id(), param_id, plain);
        // The processor hears of it with the next flush or block.
        controller_edits_.push({param_id, 0, normalized});
    }
    raise(wants_flush_);
}

void Vst3Device::sync_controller() {
    host_changes_.drain([this](const ParamChange& change) {
        set_by_host_[change.param_id] = change.value;
        if (controller_) {
            controller_->setParamNormalized(change.param_id, mapping(change.param_id).to_normalized(change.value));
        }
    });
    plugin_changes_.drain([this](const ParamChange& change) {
        set_by_host_.erase(change.param_id);
        if (controller_) {
            controller_->setParamNormalized(change.param_id, change.value);
        }
    });
}

void Vst3Device::perform_edit(Vst::ParamID param_id, Vst::ParamValue normalized) {
    if (!std::isfinite(normalized)) {
        return;
    }
    {
        std::lock_guard lock(edits_mutex_);
        // A plugin that edits without end must not exhaust the sandbox's memory.
        if (edits_.size() < ParamRing::capacity) {
            edits_.emplace_back(param_id, std::clamp(normalized, 0.0, 1.0));
        }
    }
    raise(edits_pending_);
}

void Vst3Device::restart_component(int32 flags) {
    if (flags & (Vst::kReloadComponent | Vst::kIoChanged | Vst::kLatencyChanged)) {
        // VST3 wants the component deactivated and activated again for each of these.
        if (flags & Vst::kLatencyChanged) {
            latency_changed_ = true;
        }
        raise(wants_restart_);
    }
    if (flags & Vst::kParamValuesChanged) {
        values_stale_ = true;
        raise(params_changed_);
    }
    if (flags & (Vst::kParamTitlesChanged | Vst::kIoTitlesChanged)) {
        raise(params_changed_);
    }
}

bool Vst3Device::register_timer(Linux::ITimerHandler* handler, uint64 milliseconds) {
    uint32_t timer_id = 0;
    auto period = static_cast<uint32_t>(std::clamp<uint64>(milliseconds, 1, 60'000));
    if (!services_.register_timer(id(), period, &timer_id)) {
        return false;
    }
    timers_.push_back({timer_id, handler});
    return true;
}

bool Vst3Device::unregister_timer(Linux::ITimerHandler* handler) {
    bool found = false;
    std::erase_if(timers_, [&](const Timer& timer) {
        if (timer.handler != handler) return false;
        services_.unregister_timer(id(), timer.id);
        found = true;
        return true;
    });
    return found;
}

bool Vst3Device::register_fd(Linux::IEventHandler* handler, int fd) {
    if (!services_.watch_fd(id(), fd)) {
        return false;
    }
    fds_.push_back({fd, handler});
    return true;
}

bool Vst3Device::unregister_fd(Linux::IEventHandler* handler) {
    bool found = false;
    std::erase_if(fds_, [&](const WatchedFd& watched) {
        if (watched.handler != handler) return false;
        services_.unwatch_fd(id(), watched.fd);
        found = true;
        return true;
    });
    return found;
}

// --- Activation and processing ---

void Vst3Device::planes_ready() {
    auto build = [](const std::vector<std::vector<float*>>& planes, std::vector<Vst::AudioBusBuffers>& buses) {
        buses.assign(planes.size(), Vst::AudioBusBuffers{});
        for (size_t bus = 0; bus < planes.size(); ++bus) {
            buses[bus].numChannels = static_cast<int32>(planes[bus].size());
            // The plane table outlives the buses and never reallocates after this.
            buses[bus].channelBuffers32 = const_cast<float**>(planes[bus].data());
        }
    };
    build(input_plane_table(), input_buses_);
    build(output_plane_table(), output_buses_);
}

void Vst3Device::activate_plugin(double sample_rate, uint32_t max_frames) {
    SCUFF_ASSERT_MAIN_THREAD();
    sample_rate_ = sample_rate;
    Vst::ProcessSetup setup{offline_ ? Vst::kOffline : Vst::kRealtime, Vst::kSample32, static_cast<int32>(max_frames),
                            sample_rate};
    if (processor_->setupProcessing(setup) != kResultOk) {
        throw RequestError(ErrorCode::PluginFailed, class_info_.name + " refused the processing set-up");
    }
    if (component_->setActive(true) != kResultOk) {
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
    component_->setActive(false);
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

void Vst3Device::gather_input_changes(std::span<const ParamChange> changes) {
    input_changes_.clear();
    if (drop_resend_.exchange(false)) {
        resend_count_ = 0;
    }
    int32 index;
    auto add = [&](Vst::ParamID param_id, int32 offset, double normalized) {
        if (auto* queue = input_changes_.queue(param_id)) {
            queue->addPoint(offset, normalized, index);
        }
    };
    for (uint32_t i = 0; i < resend_count_; ++i) {
        add(resend_[i].param_id, 0, resend_[i].value);
    }
    controller_edits_.drain([&](const ParamChange& edit) { add(edit.param_id, 0, edit.value); });
    for (const auto& change : changes) {
        add(change.param_id, static_cast<int32>(change.frame), mapping(change.param_id).to_normalized(change.value));
        host_changes_.push(change);
    }
}

void Vst3Device::add_controller_change(const NoteEvent& event, Vst::CtrlNumber controller, double value) {
    Vst::ParamID param_id = midi_map_[(event.port * 16 + event.channel) * Vst::kCountCtrlNumber + controller];
    if (param_id == kNoParam) {
        return;
    }
    int32 index;
    if (auto* queue = input_changes_.queue(param_id)) {
        queue->addPoint(static_cast<int32>(event.frame), value, index);
    }
    // The controller follows, as it does for any value the processor takes on its own.
    plugin_changes_.push({param_id, 0, value});
}

void Vst3Device::gather_input_events(std::span<const NoteEvent> events) {
    input_events_.clear();
    for (const auto& event : events) {
        Vst::Event out{};
        out.busIndex = event.port;
        out.sampleOffset = static_cast<int32>(event.frame);
        out.flags = Vst::Event::kIsLive;
        if (event.kind == NoteEventKind::Midi) {
            MidiMessage message = decode_midi(event);
            NoteEvent on_channel = event;
            on_channel.channel = message.channel;
            switch (message.kind) {
            case MidiMessage::Kind::PolyPressure:
                out.type = Vst::Event::kPolyPressureEvent;
                out.polyPressure = {message.channel, message.data1, message.velocity(), -1};
                input_events_.addEvent(out);
                continue;
            case MidiMessage::Kind::ControlChange:
                add_controller_change(on_channel, message.data1, message.data2 / 127.0);
                continue;
            case MidiMessage::Kind::ChannelPressure:
                add_controller_change(on_channel, Vst::kAfterTouch, message.data1 / 127.0);
                continue;
            case MidiMessage::Kind::PitchBend:
                // Over 16384, so that the centre, 8192, is exactly 0.5: no bend.
                add_controller_change(on_channel, Vst::kPitchBend, message.bend() / 16384.0);
                continue;
            case MidiMessage::Kind::NoteOn:
            case MidiMessage::Kind::NoteOff:
                break;
            default:
                continue;  // System messages and program changes have no VST3 event.
            }
        }
        auto note = as_note_event(event);
        if (note->kind == NoteEventKind::NoteOn) {
            out.type = Vst::Event::kNoteOnEvent;
            out.noteOn = {note->channel, note->key, 0.0f, note->velocity, 0, note->note_id};
        } else {
            // A choke is the nearest VST3 has: the note's end.
            out.type = Vst::Event::kNoteOffEvent;
            out.noteOff = {note->channel, note->key, note->velocity, note->note_id, 0.0f};
        }
        input_events_.addEvent(out);
    }
}

void Vst3Device::deliver_output_events() {
    Vst::Event event{};
    for (int32 i = 0, count = output_events_.getEventCount(); i < count; ++i) {
        if (output_events_.getEvent(i, event) != kResultOk || event.busIndex < 0 || event.sampleOffset < 0) {
            continue;
        }
        NoteEvent note{static_cast<uint32_t>(event.sampleOffset), static_cast<uint16_t>(event.busIndex),
                       NoteEventKind::NoteOn, 0, 0, 0, {}, -1, 0.0f};
        auto velocity = [](float value) { return std::isfinite(value) ? std::clamp(value, 0.0f, 1.0f) : 0.0f; };
        if (event.type == Vst::Event::kNoteOnEvent) {
            note.channel = static_cast<uint8_t>(event.noteOn.channel);
            note.key = event.noteOn.pitch;
            note.velocity = velocity(event.noteOn.velocity);
            note.note_id = event.noteOn.noteId;
        } else if (event.type == Vst::Event::kNoteOffEvent) {
            note.kind = NoteEventKind::NoteOff;
            note.channel = static_cast<uint8_t>(event.noteOff.channel);
            note.key = event.noteOff.pitch;
            note.velocity = velocity(event.noteOff.velocity);
            note.note_id = event.noteOff.noteId;
        } else {
            continue;
        }
        emit(note);
    }
}

void Vst3Device::set_context(const TransportState& transport) {
    using Context = Vst::ProcessContext;
    context_.state = Context::kTempoValid | Context::kTimeSigValid | Context::kProjectTimeMusicValid |
                     Context::kBarPositionValid | Context::kContTimeValid;
    if (transport.flags & TransportState::kPlaying) context_.state |= Context::kPlaying;
    if (transport.flags & TransportState::kLoopActive) context_.state |= Context::kCycleActive;
    context_.tempo = transport.tempo;
    context_.timeSigNumerator = transport.time_signature_numerator;
    context_.timeSigDenominator = transport.time_signature_denominator;
    context_.projectTimeMusic = transport.position_beats;
    context_.barPositionMusic = bar_position(transport).start_beats;
    context_.cycleStartMusic = transport.loop_start_beats;
    context_.cycleEndMusic = transport.loop_end_beats;
    context_.projectTimeSamples = static_cast<int64>(std::llround(transport.position_seconds * sample_rate_));
}

void Vst3Device::deliver_output_changes() {
    Vst::ParamValue normalized;
    int32 offset;
    for (int32 i = 0, count = output_changes_.getParameterCount(); i < count; ++i) {
        auto* queue = output_changes_.getParameterData(i);
        Vst::ParamID param_id = queue->getParameterId();
        const auto& to_plain = mapping(param_id);
        int32 points = queue->getPointCount();
        for (int32 point = 0; point < points; ++point) {
            if (queue->getPoint(point, offset, normalized) == kResultOk && std::isfinite(normalized)) {
                params_out().push({param_id, static_cast<uint32_t>(std::max(offset, 0)), to_plain.to_plain(normalized)});
            }
        }
        if (points > 0 && queue->getPoint(points - 1, offset, normalized) == kResultOk && std::isfinite(normalized)) {
            plugin_changes_.push({param_id, 0, std::clamp(normalized, 0.0, 1.0)});
        }
    }
}

bool Vst3Device::run_process(uint32_t frames) {
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
    deliver_output_changes();
    deliver_output_events();
    steady_time_ += frames;
    return ok;
}

bool Vst3Device::process_plugin(uint32_t frames, std::span<const ParamChange> changes,
                                std::span<const NoteEvent> events, const TransportState* transport) {
    SCUFF_ASSERT_AUDIO_THREAD();
    gather_input_changes(changes);
    gather_input_events(events);
    resend_count_ = 0;
    if (transport) {
        set_context(*transport);
    }
    return run_process(frames);
}

void Vst3Device::flush_plugin(std::span<const ParamChange> changes, bool active) {
    gather_input_changes(changes);
    input_events_.clear();
    // Kept for the next block whether or not this call reaches the processor.
    resend_count_ = 0;
    for (int32 i = 0, count = input_changes_.getParameterCount(); i < count; ++i) {
        auto* queue = input_changes_.getParameterData(i);
        int32 offset;
        Vst::ParamValue normalized;
        if (queue->getPoint(queue->getPointCount() - 1, offset, normalized) == kResultOk &&
            resend_count_ < resend_.size()) {
            resend_[resend_count_++] = {queue->getParameterId(), 0, normalized};
        }
    }
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
