#include "scan_host.hpp"

#include <cstdio>
#include <cstring>
#include <utility>

#include "clap/ext/thread-check.h"
#include "scuff/clap_extras.hpp"
#include "scuff/version.hpp"

namespace scuff::scan {

namespace {

const char* severity_name(clap_log_severity severity) {
    switch (severity) {
    case CLAP_LOG_DEBUG: return "debug";
    case CLAP_LOG_INFO: return "info";
    case CLAP_LOG_WARNING: return "warning";
    case CLAP_LOG_ERROR: return "error";
    case CLAP_LOG_FATAL: return "fatal";
    case CLAP_LOG_HOST_MISBEHAVING: return "host misbehaving";
    case CLAP_LOG_PLUGIN_MISBEHAVING: return "plugin misbehaving";
    default: return "log";
    }
}

const clap_host_log_t kLog = {
    [](const clap_host_t* host, clap_log_severity severity, const char* message) {
        const auto* plugin_id = host && host->host_data
                                    ? static_cast<const std::string*>(host->host_data)->c_str()
                                    : "?";
        // Standard output carries the report; everything else goes to stderr.
        std::fprintf(stderr, "scuff-scan: [%s] %s: %s\n", plugin_id, severity_name(severity),
                     message ? message : "");
    },
};

// The scanner calls the plugin from one thread only and never processes audio.
const clap_host_thread_check_t kThreadCheck = {
    [](const clap_host_t*) { return true; },
    [](const clap_host_t*) { return false; },
};

void ignore_request(const clap_host_t*) {}

} // namespace

ScanHost::ScanHost(std::string plugin_id) : plugin_id_(std::move(plugin_id)) {
    host_ = clap_host_t{
        CLAP_VERSION_INIT,
        &plugin_id_,
        "scuff-scan",
        "scuff",
        "",
        kVersion,
        &ScanHost::get_extension,
        ignore_request,
        ignore_request,
        ignore_request,
    };
}

const void* ScanHost::get_extension(const clap_host_t*, const char* extension_id) {
    if (!extension_id) {
        return nullptr;
    }
    if (std::strcmp(extension_id, CLAP_EXT_LOG) == 0) {
        return &kLog;
    }
    if (std::strcmp(extension_id, CLAP_EXT_THREAD_CHECK) == 0) {
        return &kThreadCheck;
    }
    return nullptr;
}

} // namespace scuff::scan
