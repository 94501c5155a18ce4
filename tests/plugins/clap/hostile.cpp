// Plugins that try what a sandbox's limits forbid, each from its first processed block
// (or from init, for the scanner), so a test can check that the attempt is refused or
// stops the sandbox. The target of a file or network attempt comes from the environment
// variable SCUFF_HOSTILE_TARGET (a path, a Unix socket's path, or a TCP port on 127.0.0.1). The read-only
// "Result" parameter holds the outcome: -1 before the attempt, 0 if it succeeded, else the
// errno it failed with.
#include "../dsp/misbehave.hpp"
#include "passthrough.hpp"
#include "plugin_types.hpp"

#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

namespace scuff_test {

namespace {

enum class Attempt { allocate, spin, connect, connect_unix, write_file, read_file, exec, fork, signal };
enum class Stage { init, process };

const char* features[] = {CLAP_PLUGIN_FEATURE_AUDIO_EFFECT, CLAP_PLUGIN_FEATURE_STEREO, nullptr};
constexpr clap_plugin_descriptor_t allocate_descriptor =
    describe("org.scuff.test.hostile.allocate", "Test Hostile Allocate", features);
constexpr clap_plugin_descriptor_t spin_descriptor =
    describe("org.scuff.test.hostile.spin", "Test Hostile Spin", features);
constexpr clap_plugin_descriptor_t connect_descriptor =
    describe("org.scuff.test.hostile.connect", "Test Hostile Connect", features);
constexpr clap_plugin_descriptor_t connect_unix_descriptor =
    describe("org.scuff.test.hostile.connect-unix", "Test Hostile Connect Unix", features);
constexpr clap_plugin_descriptor_t write_descriptor =
    describe("org.scuff.test.hostile.write", "Test Hostile Write", features);
constexpr clap_plugin_descriptor_t read_descriptor =
    describe("org.scuff.test.hostile.read", "Test Hostile Read", features);
constexpr clap_plugin_descriptor_t exec_descriptor =
    describe("org.scuff.test.hostile.exec", "Test Hostile Exec", features);
constexpr clap_plugin_descriptor_t fork_descriptor =
    describe("org.scuff.test.hostile.fork", "Test Hostile Fork", features);
constexpr clap_plugin_descriptor_t signal_descriptor =
    describe("org.scuff.test.hostile.signal", "Test Hostile Signal", features);
constexpr clap_plugin_descriptor_t exec_in_init_descriptor =
    describe("org.scuff.test.hostile.exec-in-init", "Test Hostile Exec In Init", features);

constexpr int kForks = 20;

const char* target() {
    const char* value = std::getenv("SCUFF_HOSTILE_TARGET");
    return value ? value : "";
}

// 0 on success, else errno.
int attempt(Attempt what) {
    switch (what) {
    case Attempt::allocate:
        // Committed 8 MiB at a time, never freed, until the host stops the process.
        for (;;) {
            constexpr size_t chunk = 8u << 20;
            volatile char* bytes = new char[chunk];
            for (size_t i = 0; i < chunk; i += 4096)
                bytes[i] = 1;
        }
    case Attempt::spin:
        spin();
    case Attempt::connect: {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            return errno;
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<uint16_t>(std::atoi(target())));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        int result = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 ? 0 : errno;
        close(fd);
        return result;
    }
    case Attempt::connect_unix: {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            return errno;
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::snprintf(address.sun_path, sizeof address.sun_path, "%s", target());
        int result = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 ? 0 : errno;
        close(fd);
        return result;
    }
    case Attempt::write_file: {
        int fd = open(target(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
            return errno;
        int result = write(fd, "planted\n", 8) == 8 ? 0 : errno;
        close(fd);
        return result;
    }
    case Attempt::read_file: {
        int fd = open(target(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return errno;
        char buffer[64];
        int result = read(fd, buffer, sizeof buffer) >= 0 ? 0 : errno;
        close(fd);
        return result;
    }
    case Attempt::exec: {
        char* const argv[] = {const_cast<char*>("/bin/true"), nullptr};
        execv("/bin/true", argv);
        return errno;
    }
    case Attempt::fork: {
        // Repeatedly, as a fork bomb would; every child leaves at once.
        int result = 0;
        for (int i = 0; i < kForks; ++i) {
            pid_t child = fork();
            if (child == 0)
                _exit(0);
            if (child < 0) {
                result = errno;
                continue;
            }
            waitpid(child, nullptr, 0);
        }
        return result;
    }
    case Attempt::signal:
        // Signal 0 only asks whether init exists: harmless if it is not stopped.
        return kill(1, 0) == 0 ? 0 : errno;
    }
    return EINVAL;
}

template <Attempt what, Stage stage, const clap_plugin_descriptor_t& descriptor>
class Hostile : public Passthrough {
public:
    Hostile() : Passthrough(&descriptor) {}

protected:
    bool init() override {
        if (stage == Stage::init)
            result_ = attempt(what);
        return true;
    }

    clap_process_status process(const clap_process_t& process) override {
        if (stage == Stage::process && result_ == -1)
            result_ = attempt(what);
        return Passthrough::process(process);
    }

    const void* extension(const char* id) override {
        return std::strcmp(id, CLAP_EXT_PARAMS) == 0 ? &params_ext : Passthrough::extension(id);
    }

    uint32_t param_count() override { return 1; }
    bool param_info(uint32_t index, clap_param_info_t& info) override {
        if (index != 0)
            return false;
        info.id = 0;
        info.flags = CLAP_PARAM_IS_READONLY | CLAP_PARAM_IS_STEPPED;
        std::snprintf(info.name, sizeof info.name, "Result");
        info.min_value = -1;
        info.max_value = 4096;
        info.default_value = -1;
        return true;
    }
    bool param_value(clap_id id, double& value) override {
        if (id != 0)
            return false;
        value = result_.load();
        return true;
    }

private:
    std::atomic<int> result_{-1};
};

template <Attempt what, Stage stage, const clap_plugin_descriptor_t& descriptor>
const clap_plugin_t* create_hostile(const clap_host_t*) {
    return (new Hostile<what, stage, descriptor>)->clap();
}

} // namespace

const PluginType hostile_allocate_type = {&allocate_descriptor,
                                          &create_hostile<Attempt::allocate, Stage::process, allocate_descriptor>};
const PluginType hostile_spin_type = {&spin_descriptor, &create_hostile<Attempt::spin, Stage::process, spin_descriptor>};
const PluginType hostile_connect_type = {&connect_descriptor,
                                         &create_hostile<Attempt::connect, Stage::process, connect_descriptor>};
const PluginType hostile_connect_unix_type = {
    &connect_unix_descriptor, &create_hostile<Attempt::connect_unix, Stage::process, connect_unix_descriptor>};
const PluginType hostile_write_type = {&write_descriptor,
                                       &create_hostile<Attempt::write_file, Stage::process, write_descriptor>};
const PluginType hostile_read_type = {&read_descriptor,
                                      &create_hostile<Attempt::read_file, Stage::process, read_descriptor>};
const PluginType hostile_exec_type = {&exec_descriptor, &create_hostile<Attempt::exec, Stage::process, exec_descriptor>};
const PluginType hostile_fork_type = {&fork_descriptor, &create_hostile<Attempt::fork, Stage::process, fork_descriptor>};
const PluginType hostile_signal_type = {&signal_descriptor,
                                        &create_hostile<Attempt::signal, Stage::process, signal_descriptor>};
const PluginType hostile_exec_in_init_type = {
    &exec_in_init_descriptor, &create_hostile<Attempt::exec, Stage::init, exec_in_init_descriptor>};

} // namespace scuff_test
