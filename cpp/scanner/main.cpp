// scuff-scan [--list] [--plugin ID] [confinement options] <plugin file>: prints one ScanReport FlatBuffer on
// standard output. Exit codes: 0 when a report was written (even one that carries an
// error), 1 when the report could not be written, 2 for bad arguments.
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "report_writer.hpp"
#include "scuff/confinement_options.hpp"
#include "scan_file.hpp"
#include "scuff/os/descriptors.hpp"
#include "scuff/os/process.hpp"

namespace {

struct Arguments {
    std::string path;
    scuff::scan::ScanOptions options;
    scuff::ConfinementOptions confinement;
};

std::optional<Arguments> parse_arguments(int argc, char** argv) {
    Arguments arguments;
    for (int i = 1; i < argc; ++i) {
        std::string_view argument = argv[i];
        if (argument == "--list") {
            arguments.options.instantiate = false;
        } else if (argument == "--plugin" && i + 1 < argc && argv[i + 1][0] != '\0') {
            arguments.options.plugin_id = argv[++i];
        } else if (auto match = i + 1 < argc ? scuff::parse_confinement_option(argument, argv[i + 1],
                                                                                arguments.confinement)
                                             : scuff::OptionMatch::NotConfinement;
                   match != scuff::OptionMatch::NotConfinement) {
            if (match == scuff::OptionMatch::Invalid) {
                return std::nullopt;
            }
            ++i;
        } else if (arguments.path.empty() && !argument.empty() && !argument.starts_with("--")) {
            arguments.path = argument;
        } else {
            return std::nullopt;
        }
    }
    if (arguments.path.empty()) {
        return std::nullopt;
    }
    return arguments;
}

} // namespace

int main(int argc, char** argv) {
    auto arguments = parse_arguments(argc, argv);
    if (!arguments) {
        std::fprintf(stderr,
                     "usage: scuff-scan [--list] [--plugin ID] <plugin file>\n"
                     "Prints a ScanReport FlatBuffer describing the plugins in the file.\n"
                     "  --list       only what the factory says: no plugin is instantiated\n"
                     "  --plugin ID  only the plugin with this id\n"
                     "  --report-fd N, --confine 1, --confine-...: confinement, as for scuff-sbox\n");
        return 2;
    }
    // A plugin that hangs would otherwise keep its scanner alive after the client is gone.
    // Run by hand from a shell, or under an init process, the scan goes on regardless.
    scuff::os::die_with_parent();
    int report_fd = scuff::os::set_stdout_aside();
    if (report_fd < 0) {
        std::fprintf(stderr, "scuff-scan: cannot set standard output aside: %s\n",
                     std::strerror(errno));
        return 1;
    }
    // Confined like a sandbox, before the plugin file is loaded.
    scuff::apply_confinement(arguments->confinement);

    auto result = scuff::scan::scan_file(arguments->path, arguments->options);
    auto report = scuff::scan::encode_report(result);
    if (!scuff::os::write_all(report_fd, {report.data(), report.size()}) || !scuff::os::close_descriptor(report_fd)) {
        std::fprintf(stderr, "scuff-scan: cannot write the report: %s\n", std::strerror(errno));
        return 1;
    }
    // The plugin file is unloaded only now, when `result` goes.
    return 0;
}
