#include "../dsp/misbehave.hpp"
#include "passthrough.hpp"
#include "plugin_types.hpp"

#include "clap/ext/gui.h"
#include "clap/ext/timer-support.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>

namespace scuff_test {

namespace {

// Values of the "Editor fault" parameter, numbered as EditorFault in tests/support/test_plugins.py.
enum EditorFault : int {
    no_editor_fault,
    crash_in_create,
    hang_in_create,
    crash_in_show,
    hang_in_show,
    crash_in_timer,
    hang_in_timer,
    crash_in_resize,
    hang_in_resize,
};
constexpr int last_editor_fault = hang_in_resize;
constexpr clap_id fault_param = 0;
// Set to 1: at its next timer tick the editor asks the host for asked_width x asked_height.
constexpr clap_id ask_size_param = 1;
constexpr uint32_t asked_width = 360;
constexpr uint32_t asked_height = 240;
constexpr uint32_t editor_width = 320;
constexpr uint32_t editor_height = 200;
constexpr uint32_t timer_period_ms = 10;

const char* features[] = {CLAP_PLUGIN_FEATURE_AUDIO_EFFECT, CLAP_PLUGIN_FEATURE_STEREO, nullptr};
constexpr clap_plugin_descriptor_t descriptor =
    describe("org.scuff.test.editor-faults", "Test Editor Faults", features);
constexpr clap_plugin_descriptor_t floating_descriptor =
    describe("org.scuff.test.floating-editor", "Test Floating Editor", features);

// A passthrough whose editor (an embeddable X11 editor that draws nothing) misbehaves in the call
// its "Editor fault" parameter names: create, show, the timer it registers while open, or
// set_size; and asks the host for a size of its own when "Ask size" is set. Neither parameter
// is part of the (empty) state, so a restart can disarm them. Its floating twin offers only a
// floating window of its own (and draws none), for a host's path for plugins that cannot embed.
class EditorFaults : public Passthrough {
public:
    EditorFaults(const clap_host_t* host, bool floating)
        : Passthrough(floating ? &floating_descriptor : &descriptor), host_(host), floating_(floating) {}

protected:
    const void* extension(const char* id) override {
        if (std::strcmp(id, CLAP_EXT_GUI) == 0)
            return &gui_ext;
        if (std::strcmp(id, CLAP_EXT_TIMER_SUPPORT) == 0)
            return &timer_ext;
        if (std::strcmp(id, CLAP_EXT_PARAMS) == 0)
            return &params_ext;
        return Passthrough::extension(id);
    }

    uint32_t param_count() override { return 2; }

    bool param_info(uint32_t index, clap_param_info_t& info) override {
        if (index == 1) {
            info.id = ask_size_param;
            info.flags = CLAP_PARAM_IS_STEPPED | CLAP_PARAM_IS_AUTOMATABLE;
            std::snprintf(info.name, sizeof(info.name), "Ask size");
            info.min_value = 0;
            info.max_value = 1;
            return true;
        }
        if (index != 0)
            return false;
        info.id = fault_param;
        info.flags = CLAP_PARAM_IS_STEPPED | CLAP_PARAM_IS_AUTOMATABLE;
        std::snprintf(info.name, sizeof(info.name), "Editor fault");
        info.min_value = no_editor_fault;
        info.max_value = last_editor_fault;
        info.default_value = no_editor_fault;
        return true;
    }

    bool param_value(clap_id id, double& value) override {
        if (id == ask_size_param) {
            value = ask_size_ ? 1 : 0;
            return true;
        }
        if (id != fault_param)
            return false;
        value = fault_;
        return true;
    }

    void on_event(const clap_event_header_t& event) override {
        if (event.space_id != CLAP_CORE_EVENT_SPACE_ID || event.type != CLAP_EVENT_PARAM_VALUE)
            return;
        const auto& change = reinterpret_cast<const clap_event_param_value_t&>(event);
        if (change.param_id == fault_param && std::isfinite(change.value))
            fault_ = static_cast<int>(std::clamp(std::round(change.value), 0.0, 1.0 * last_editor_fault));
        if (change.param_id == ask_size_param && std::isfinite(change.value))
            ask_size_ = change.value >= 0.5;
    }

    clap_process_status process(const clap_process_t& process) override {
        if (process.in_events)
            apply_events(*process.in_events);
        return Passthrough::process(process);
    }

private:
    static EditorFaults& of(const clap_plugin_t* plugin) {
        return *static_cast<EditorFaults*>(static_cast<Plugin*>(plugin->plugin_data));
    }

    void trip(EditorFault crash_fault, EditorFault hang_fault) const {
        if (fault_ == crash_fault)
            crash();
        if (fault_ == hang_fault)
            hang();
    }

    // --- clap.gui ---
    bool create() {
        trip(crash_in_create, hang_in_create);
        const auto* timers = static_cast<const clap_host_timer_support_t*>(
            host_->get_extension(host_, CLAP_EXT_TIMER_SUPPORT));
        if (timers && timers->register_timer && timers->register_timer(host_, timer_period_ms, &timer_id_))
            timers_ = timers;
        return true;
    }

    void destroy() {
        if (timers_ && timer_id_ != CLAP_INVALID_ID)
            timers_->unregister_timer(host_, timer_id_);
        timer_id_ = CLAP_INVALID_ID;
    }

    void on_timer() {
        trip(crash_in_timer, hang_in_timer);
        if (!ask_size_.exchange(false))
            return;
        const auto* gui = static_cast<const clap_host_gui_t*>(host_->get_extension(host_, CLAP_EXT_GUI));
        if (gui && gui->request_resize)
            gui->request_resize(host_, asked_width, asked_height);
    }

    bool set_size(uint32_t width, uint32_t height) {
        trip(crash_in_resize, hang_in_resize);
        width_ = width;
        height_ = height;
        return true;
    }

    static const clap_plugin_gui_t gui_ext;
    static const clap_plugin_timer_support_t timer_ext;

    const clap_host_t* host_;
    const bool floating_;
    const clap_host_timer_support_t* timers_ = nullptr;
    clap_id timer_id_ = CLAP_INVALID_ID;
    uint32_t width_ = editor_width;
    uint32_t height_ = editor_height;
    std::atomic<int> fault_{no_editor_fault};
    std::atomic<bool> ask_size_{false};
};

const clap_plugin_gui_t EditorFaults::gui_ext = {
    [](const clap_plugin_t* p, const char* api, bool floating) {
        return floating == of(p).floating_ && std::strcmp(api, CLAP_WINDOW_API_X11) == 0;
    },
    [](const clap_plugin_t* p, const char** api, bool* floating) {
        *api = CLAP_WINDOW_API_X11;
        *floating = of(p).floating_;
        return true;
    },
    [](const clap_plugin_t* p, const char* api, bool floating) {
        return floating == of(p).floating_ && std::strcmp(api, CLAP_WINDOW_API_X11) == 0 && of(p).create();
    },
    [](const clap_plugin_t* p) { of(p).destroy(); },
    [](const clap_plugin_t*, double) { return false; },
    [](const clap_plugin_t* p, uint32_t* width, uint32_t* height) {
        *width = of(p).width_;
        *height = of(p).height_;
        return true;
    },
    [](const clap_plugin_t*) { return true; },
    [](const clap_plugin_t*, clap_gui_resize_hints_t* hints) {
        *hints = clap_gui_resize_hints_t{true, true, false, 0, 0};
        return true;
    },
    [](const clap_plugin_t*, uint32_t*, uint32_t*) { return true; },
    [](const clap_plugin_t* p, uint32_t width, uint32_t height) { return of(p).set_size(width, height); },
    [](const clap_plugin_t*, const clap_window_t*) { return true; },
    [](const clap_plugin_t*, const clap_window_t*) { return false; },
    [](const clap_plugin_t*, const char*) {},
    [](const clap_plugin_t* p) {
        of(p).trip(crash_in_show, hang_in_show);
        return true;
    },
    [](const clap_plugin_t*) { return true; },
};

const clap_plugin_timer_support_t EditorFaults::timer_ext = {
    [](const clap_plugin_t* p, clap_id) { of(p).on_timer(); },
};

} // namespace

const PluginType editor_faults_type = {
    &descriptor,
    [](const clap_host_t* host) { return (new EditorFaults(host, false))->clap(); },
};

const PluginType floating_editor_type = {
    &floating_descriptor,
    [](const clap_host_t* host) { return (new EditorFaults(host, true))->clap(); },
};

} // namespace scuff_test
