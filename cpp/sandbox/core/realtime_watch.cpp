#include "core/realtime_watch.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <string>
#include <utility>

#include "scuff/os/realtime_probe.hpp"

namespace scuff::sbox {

namespace {

constexpr const char* kWhat[os::kRealtimeCallKinds] = {
    "allocated memory", "freed memory", "waited for a lock", "made a blocking system call"};

// Findings already reported, so each (device, kind, call site) is told once; the audio
// thread alone reads and writes this.
struct Reported {
    static constexpr size_t kCapacity = 256;
    std::array<std::pair<uint64_t, std::string>, kCapacity> seen;
    size_t count = 0;

    bool first_time(uint64_t key, const std::string& site) {
        auto end = seen.begin() + static_cast<std::ptrdiff_t>(count);
        if (std::find(seen.begin(), end, std::make_pair(key, site)) != end) return false;
        if (count == kCapacity) return false;
        seen[count++] = {key, site};
        return true;
    }
};

Reported& reported() {
    static Reported instance;
    return instance;
}

} // namespace

bool realtime_checks_enabled() {
    static const bool enabled = std::getenv("SCUFF_REALTIME_CHECKS") != nullptr;
    return enabled;
}

RealtimeWatch::RealtimeWatch(uint32_t device, HostServices& services)
    : device_(device), services_(services), active_(realtime_checks_enabled()) {
    if (active_) os::realtime_probe_begin();
}

RealtimeWatch::~RealtimeWatch() {
    if (!active_) return;
    const os::RealtimeTally& tally = os::realtime_probe_end();
    for (size_t kind = 0; kind < os::kRealtimeCallKinds; ++kind) {
        if (tally.counts[kind] == 0) continue;
        std::string site = os::realtime_call_site(tally.first_stack[kind], tally.first_depth[kind]);
        // The sandbox's own work (converting events for the plugin) is not the plugin's.
        if (site == "the host's own code") continue;
        uint64_t key = (uint64_t{device_} << 8) | kind;
        if (!reported().first_time(key, site)) continue;
        services_.log(device_, LogSeverity::PluginMisbehaving,
                      std::string("real-time safety: the plugin ") + kWhat[kind] + " (" +
                          tally.first_call[kind] + ") in process, " + std::to_string(tally.counts[kind]) +
                          " time(s) in one call, from " + site);
    }
    if (tally.context_switches > 0) {
        uint64_t key = (uint64_t{device_} << 8) | os::kRealtimeCallKinds;
        if (reported().first_time(key, "")) {
            services_.log(device_, LogSeverity::PluginMisbehaving,
                          "real-time safety: the audio thread gave up the processor " +
                              std::to_string(tally.context_switches) + " time(s) in one process call (blocked or slept)");
        }
    }
}

RealtimePause::RealtimePause() : was_counting_(os::realtime_probe_pause()) {}

RealtimePause::~RealtimePause() { os::realtime_probe_resume(was_counting_); }

} // namespace scuff::sbox
