#pragma once
// Which plugin format a file is, from its name alone: the one rule the sandbox and the
// scanner both follow.
#include <string_view>

namespace scuff {

enum class PluginFormat { Unknown, Clap, Vst3 };

// The extension of the path's last component, after any trailing '/' (a VST3 bundle is a
// folder, often written "X.vst3/"), compared without case: ".clap" or ".vst3".
PluginFormat plugin_format_of(std::string_view path);

} // namespace scuff
