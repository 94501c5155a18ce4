#pragma once
// How grave a log line is, from a plugin or from the sandbox itself. In the order of the
// protocol's LogSeverity, which the client maps onto Python's logging levels.

namespace scuff::sbox {

enum class LogSeverity {
    Debug,
    Info,
    Warning,
    Error,
    Fatal,
    // The host (the client, or the sandbox) did something it should not have.
    HostMisbehaving,
    // The plugin did something it should not have.
    PluginMisbehaving,
};

} // namespace scuff::sbox
