// scuff-sbox: started by the scuff client with an inherited control socket and the
// shared memory of the sandbox's audio handshake.
#include <charconv>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "scuff/confinement_options.hpp"
#include "scuff/os/process.hpp"
#include "server/sandbox.hpp"

namespace {

bool parse_number(std::string_view text, auto& value) {
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc() && end == text.data() + text.size();
}

bool parse_options(int argc, char** argv, scuff::sbox::SandboxOptions& options,
                   scuff::ConfinementOptions& confinement) {
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string_view name = argv[i];
        std::string_view value = argv[i + 1];
        auto match = scuff::parse_confinement_option(name, value, confinement);
        if (match != scuff::OptionMatch::NotConfinement) {
            if (match == scuff::OptionMatch::Invalid) {
                return false;
            }
            continue;
        }
        bool ok = name == "--control-fd"    ? parse_number(value, options.control_fd)
                  : name == "--signals-fd"  ? parse_number(value, options.signals_fd)
                  : name == "--sample-rate" ? parse_number(value, options.sample_rate)
                  : name == "--max-frames"  ? parse_number(value, options.max_frames)
                                            : false;
        if (!ok) {
            return false;
        }
    }
    return argc % 2 == 1 && options.control_fd >= 0 && options.signals_fd >= 0 &&
           options.sample_rate > 0 && options.max_frames > 0 && options.max_frames <= scuff::kMaxFrames;
}

} // namespace

int main(int argc, char** argv) {
    scuff::sbox::SandboxOptions options;
    scuff::ConfinementOptions confinement;
    if (!parse_options(argc, argv, options, confinement)) {
        std::fprintf(stderr,
                     "usage: scuff-sbox --control-fd N --signals-fd N --sample-rate HZ --max-frames N\n"
                     "                  [--report-fd N] [--confine 1 --confine-... (see confinement_options.hpp)]\n"
                     "scuff-sbox is started by the scuff client, not by hand.\n");
        return 2;
    }
    if (!scuff::os::die_with_parent()) {
        return 3;
    }
    // A client that goes away mid-write must not kill us with SIGPIPE before we notice.
    scuff::os::ignore_broken_pipes();
    // Before the first thread starts and before any plugin is loaded.
    scuff::apply_confinement(confinement);
    try {
        scuff::sbox::Sandbox sandbox(options);
        return sandbox.run();
    } catch (const std::exception& error) {
        std::fprintf(stderr, "scuff-sbox: %s\n", error.what());
        return 1;
    }
}
