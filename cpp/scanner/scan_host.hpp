#pragma once
// The least a CLAP host can be while it instantiates plugins only to ask about their
// ports and parameters: it logs, answers that every call comes from the main thread,
// and ignores every request.
#include <string>

#include "clap/host.h"

namespace scuff::scan {

class ScanHost {
public:
    // `plugin_id` labels the plugin's log lines on stderr.
    explicit ScanHost(std::string plugin_id);
    // The plugin keeps the clap_host_t pointer, and host_data points into this object.
    ScanHost(const ScanHost&) = delete;
    ScanHost& operator=(const ScanHost&) = delete;

    const clap_host_t* clap() const { return &host_; }

private:
    static const void* get_extension(const clap_host_t* host, const char* extension_id);

    std::string plugin_id_;
    clap_host_t host_;
};

} // namespace scuff::scan
