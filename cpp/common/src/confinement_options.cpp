#include "scuff/confinement_options.hpp"

#include "scuff/os/descriptors.hpp"

#include <charconv>
#include <string>


namespace scuff {

namespace {

template <class Number>
bool parse_number(std::string_view text, Number& value) {
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc() && end == text.data() + text.size();
}

bool parse_flag(std::string_view text, bool& value) {
    if (text != "0" && text != "1") {
        return false;
    }
    value = text == "1";
    return true;
}

} // namespace

OptionMatch parse_confinement_option(std::string_view name, std::string_view value, ConfinementOptions& options) {
    auto& request = options.request;
    bool ok;
    if (name == "--report-fd") {
        ok = parse_number(value, options.report_fd) && options.report_fd >= 0;
    } else if (name == "--confine") {
        ok = parse_flag(value, options.confine);
    } else if (name == "--confine-read" || name == "--confine-write" || name == "--confine-socket") {
        ok = !value.empty() && value[0] == '/';
        auto& paths = name == "--confine-read"    ? request.read_paths
                      : name == "--confine-write" ? request.write_paths
                                                  : request.socket_paths;
        paths.emplace_back(value);
    } else if (name == "--confine-x11-folder") {
        ok = value.size() > 1 && value[0] == '/';
        request.x11_socket_folder = value;
    } else if (name == "--confine-home-read-only") {
        // Relative to the home folder, and never above it.
        ok = !value.empty() && value[0] != '/' && value.find("..") == std::string_view::npos;
        request.home_read_only.emplace_back(value);
    } else if (name == "--confine-home" || name == "--confine-home-source") {
        ok = value.size() > 1 && value[0] == '/';
        (name == "--confine-home" ? request.home : request.home_source) = value;
    } else if (name == "--confine-memory-mb") {
        uint64_t megabytes = 0;
        ok = parse_number(value, megabytes) && megabytes > 0 && megabytes < (1ULL << 40);
        request.memory_bytes = megabytes << 20;
    } else if (name == "--confine-cpu-seconds") {
        ok = parse_number(value, request.cpu_seconds) && request.cpu_seconds > 0;
    } else if (name == "--confine-network") {
        ok = parse_flag(value, request.network);
    } else if (name == "--confine-exec") {
        ok = parse_flag(value, request.exec);
    } else {
        return OptionMatch::NotConfinement;
    }
    return ok ? OptionMatch::Parsed : OptionMatch::Invalid;
}

void apply_confinement(const ConfinementOptions& options) {
    if (options.report_fd >= 0) {
        os::set_close_on_exec(options.report_fd);
    }
    std::vector<os::ConfinementItem> items;
    if (options.confine) {
        items = os::confine(options.request, options.report_fd);
    }
    if (options.report_fd < 0) {
        return;
    }
    std::string line = "confinement " + os::confinement_json(items) + "\n";
    os::write_all(options.report_fd, {reinterpret_cast<const uint8_t*>(line.data()), line.size()});
}

} // namespace scuff
