// The host side of the CLAP interface, one clap_host_t per device. Each callback is a
// thin trampoline that recovers the device and sets a flag or forwards to the
// sandbox's services; the main loop acts on the flags.
#include <cstring>

#include "clap/device.hpp"
#include "core/realtime_watch.hpp"
#include "core/thread_roles.hpp"
#include "core/thread_rules.hpp"
#include "scuff/version.hpp"

namespace scuff::sbox {

namespace {

// A severity beyond CLAP's (a later version's) counts as the nearer end of the scale.
LogSeverity severity_of(clap_log_severity severity) {
    switch (severity) {
    case CLAP_LOG_DEBUG: return LogSeverity::Debug;
    case CLAP_LOG_INFO: return LogSeverity::Info;
    case CLAP_LOG_WARNING: return LogSeverity::Warning;
    case CLAP_LOG_ERROR: return LogSeverity::Error;
    case CLAP_LOG_FATAL: return LogSeverity::Fatal;
    case CLAP_LOG_HOST_MISBEHAVING: return LogSeverity::HostMisbehaving;
    case CLAP_LOG_PLUGIN_MISBEHAVING: return LogSeverity::PluginMisbehaving;
    default: return severity < CLAP_LOG_DEBUG ? LogSeverity::Debug : LogSeverity::PluginMisbehaving;
    }
}

} // namespace

struct ClapDeviceHost {
    static ClapDevice& device(const clap_host_t* host) { return *static_cast<ClapDevice*>(host->host_data); }

    static void raise(std::atomic<bool>& flag, ClapDevice& device) { device.raise(flag); }
    static bool main_thread(const clap_host_t* host, const char* call) {
        return on_main_thread_or_report(device(host).services_, device(host).id(), call);
    }

    // --- clap_host ---
    static const void* get_extension(const clap_host_t*, const char* id);
    static void request_restart(const clap_host_t* host) {
        device(host).request_restart();
    }
    static void request_process(const clap_host_t*) {
        // The client drives processing; there is nothing to start.
    }
    static void request_callback(const clap_host_t* host) {
        raise(device(host).wants_callback_, device(host));
    }

    // --- clap.log ---
    static void log(const clap_host_t* host, clap_log_severity severity, const char* message) {
        RealtimePause host_work;
        device(host).services_.log(device(host).id(), severity_of(severity), message ? message : "");
    }

    // --- clap.thread-check ---
    static bool is_main_thread(const clap_host_t*) { return thread_roles().is_main_thread(); }
    static bool is_audio_thread(const clap_host_t*) { return thread_roles().is_audio_thread(); }

    // --- clap.params ---
    static void params_rescan(const clap_host_t* host, clap_param_rescan_flags) {
        main_thread(host, "clap.params.rescan");
        raise(device(host).params_changed_, device(host));
    }
    static void params_clear(const clap_host_t*, clap_id, clap_param_clear_flags) {
        // The client keeps no per-parameter automation or modulation to clear.
    }
    static void params_request_flush(const clap_host_t* host) {
        off_audio_thread_or_report(device(host).services_, device(host).id(), "clap.params.request_flush");
        raise(device(host).wants_flush_, device(host));
    }

    // --- clap.state ---
    static void state_mark_dirty(const clap_host_t* host) {
        main_thread(host, "clap.state.mark_dirty");
        raise(device(host).state_dirty_, device(host));
    }

    // --- clap.latency ---
    static void latency_changed(const clap_host_t* host) {
        main_thread(host, "clap.latency.changed");
        raise(device(host).latency_changed_, device(host));
    }

    // --- clap.audio-ports ---
    static bool audio_ports_is_rescan_flag_supported(const clap_host_t*, uint32_t) {
        // Ports are fixed once the device's shared memory is laid out.
        return false;
    }
    static void audio_ports_rescan(const clap_host_t*, uint32_t) {}

    // --- clap.gui ---
    static void gui_resize_hints_changed(const clap_host_t*) {
        // Read again at the next resize.
    }
    static bool gui_request_resize(const clap_host_t* host, uint32_t width, uint32_t height) {
        // The windows belong to the main thread; a request from elsewhere is refused.
        if (!thread_roles().is_main_thread()) return false;
        return device(host).services_.editor_resize_requested(device(host).id(), width, height);
    }
    static bool gui_request_show(const clap_host_t*) {
        // Editors open when the client asks for them.
        return false;
    }
    static bool gui_request_hide(const clap_host_t*) { return false; }
    static void gui_closed(const clap_host_t* host, bool was_destroyed) {
        // [thread-safe] (clap/ext/gui.h): from another thread, the main loop acts on it.
        ClapDevice& self = device(host);
        if (thread_roles().is_main_thread()) {
            self.editor_closed_by_plugin(was_destroyed);
            return;
        }
        if (was_destroyed) self.gui_destroyed_ = true;
        raise(self.gui_closed_, self);
    }

    // --- clap.timer-support ---
    static bool register_timer(const clap_host_t* host, uint32_t period_ms, clap_id* timer_id) {
        // The timers belong to the main loop; a request from elsewhere is refused.
        if (!main_thread(host, "clap.timer-support.register_timer")) return false;
        return device(host).services_.register_timer(device(host).id(), period_ms, timer_id);
    }
    static bool unregister_timer(const clap_host_t* host, clap_id timer_id) {
        if (!main_thread(host, "clap.timer-support.unregister_timer")) return false;
        return device(host).services_.unregister_timer(device(host).id(), timer_id);
    }

    // --- clap.preset-load ---
    static void preset_load_on_error(const clap_host_t* host, uint32_t, const char*, const char*, int32_t os_error,
                                     const char* message) {
        // The report belongs to the main thread's load; from elsewhere it is dropped.
        if (!main_thread(host, "clap.preset-load.on_error")) return;
        device(host).preset_load_failed(os_error, message);
    }
    static void preset_load_loaded(const clap_host_t* host, uint32_t, const char*, const char*) {
        if (!main_thread(host, "clap.preset-load.loaded")) return;
        device(host).preset_loaded();
    }
};

namespace {

const clap_host_log_t kLog{ClapDeviceHost::log};
const clap_host_thread_check_t kThreadCheck{ClapDeviceHost::is_main_thread, ClapDeviceHost::is_audio_thread};
const clap_host_params_t kParams{ClapDeviceHost::params_rescan, ClapDeviceHost::params_clear,
                                 ClapDeviceHost::params_request_flush};
const clap_host_state_t kState{ClapDeviceHost::state_mark_dirty};
const clap_host_latency_t kLatency{ClapDeviceHost::latency_changed};
const clap_host_audio_ports_t kAudioPorts{ClapDeviceHost::audio_ports_is_rescan_flag_supported,
                                          ClapDeviceHost::audio_ports_rescan};
const clap_host_gui_t kGui{ClapDeviceHost::gui_resize_hints_changed, ClapDeviceHost::gui_request_resize,
                           ClapDeviceHost::gui_request_show, ClapDeviceHost::gui_request_hide,
                           ClapDeviceHost::gui_closed};
const clap_host_timer_support_t kTimerSupport{ClapDeviceHost::register_timer, ClapDeviceHost::unregister_timer};
const clap_host_preset_load_t kPresetLoad{ClapDeviceHost::preset_load_on_error, ClapDeviceHost::preset_load_loaded};

} // namespace

const void* ClapDeviceHost::get_extension(const clap_host_t*, const char* id) {
    if (!id) return nullptr;
    if (std::strcmp(id, CLAP_EXT_LOG) == 0) return &kLog;
    if (std::strcmp(id, CLAP_EXT_THREAD_CHECK) == 0) return &kThreadCheck;
    if (std::strcmp(id, CLAP_EXT_PARAMS) == 0) return &kParams;
    if (std::strcmp(id, CLAP_EXT_STATE) == 0) return &kState;
    if (std::strcmp(id, CLAP_EXT_LATENCY) == 0) return &kLatency;
    if (std::strcmp(id, CLAP_EXT_AUDIO_PORTS) == 0) return &kAudioPorts;
    if (std::strcmp(id, CLAP_EXT_TIMER_SUPPORT) == 0) return &kTimerSupport;
    if (std::strcmp(id, CLAP_EXT_GUI) == 0) return &kGui;
    if (std::strcmp(id, CLAP_EXT_PRESET_LOAD) == 0 || std::strcmp(id, CLAP_EXT_PRESET_LOAD_COMPAT) == 0) {
        return &kPresetLoad;
    }
    return nullptr;
}

clap_host_t ClapDevice::make_host() {
    clap_host_t host{};
    host.clap_version = CLAP_VERSION;
    host.host_data = this;
    host.name = "scuff";
    host.vendor = "scuff";
    host.url = "";
    host.version = kVersion;
    host.get_extension = ClapDeviceHost::get_extension;
    host.request_restart = ClapDeviceHost::request_restart;
    host.request_process = ClapDeviceHost::request_process;
    host.request_callback = ClapDeviceHost::request_callback;
    return host;
}

} // namespace scuff::sbox
