#include "core/thread_rules.hpp"

#include <algorithm>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/realtime_watch.hpp"
#include "core/thread_roles.hpp"

namespace scuff::sbox {

namespace {

void report_once(HostServices& services, uint32_t device, const char* call, const char* rule) {
    // Reporting allocates and locks; none of it is the plugin's doing.
    RealtimePause own_work;
    static std::mutex mutex;
    static std::vector<std::pair<uint32_t, std::string>> reported;
    const char* thread = thread_roles().is_audio_thread() ? "the audio thread" : "a thread of its own";
    {
        std::lock_guard lock(mutex);
        auto key = std::make_pair(device, std::string(call));
        if (std::find(reported.begin(), reported.end(), key) != reported.end() || reported.size() >= 1000) return;
        reported.push_back(std::move(key));
    }
    services.log(device, LogSeverity::PluginMisbehaving,
                 std::string("thread rule: the plugin called ") + call + " from " + thread + "; " + rule);
}

} // namespace

bool on_main_thread_or_report(HostServices& services, uint32_t device, const char* call) {
    if (thread_roles().is_main_thread()) return true;
    report_once(services, device, call, "it belongs to the main thread");
    return false;
}

bool off_audio_thread_or_report(HostServices& services, uint32_t device, const char* call) {
    if (!thread_roles().is_audio_thread()) return true;
    report_once(services, device, call, "it must not be called from the audio thread");
    return false;
}

} // namespace scuff::sbox
