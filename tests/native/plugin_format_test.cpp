// scuff::plugin_format_of, the one rule the sandbox and the scanner tell a plugin file's format by.
#include "check.hpp"
#include "scuff/plugin_format.hpp"

using scuff::PluginFormat;
using scuff::plugin_format_of;

int main() {
    return scuff_check::run({
        {"the extension names the format", [] {
             CHECK(plugin_format_of("/usr/lib/clap/ZamComp.clap") == PluginFormat::Clap);
             CHECK(plugin_format_of("/usr/lib/vst3/ZamComp.vst3") == PluginFormat::Vst3);
             CHECK(plugin_format_of("ZamComp.vst3") == PluginFormat::Vst3);
         }},
        {"case does not matter", [] {
             CHECK(plugin_format_of("/plugins/Gain.CLAP") == PluginFormat::Clap);
             CHECK(plugin_format_of("/plugins/Gain.Vst3") == PluginFormat::Vst3);
         }},
        {"a bundle's trailing slashes are not its name", [] {
             CHECK(plugin_format_of("/usr/lib/vst3/ZamComp.vst3/") == PluginFormat::Vst3);
             CHECK(plugin_format_of("/usr/lib/vst3/ZamComp.vst3//") == PluginFormat::Vst3);
         }},
        {"only the last component counts", [] {
             CHECK(plugin_format_of("/plugins.vst3/gain.clap") == PluginFormat::Clap);
             CHECK(plugin_format_of("/plugins.clap/readme.txt") == PluginFormat::Unknown);
             CHECK(plugin_format_of("/usr/lib/vst3/ZamComp.vst3/Contents/x86_64-linux/ZamComp.so") ==
                   PluginFormat::Unknown);
         }},
        {"anything else is unknown", [] {
             CHECK(plugin_format_of("") == PluginFormat::Unknown);
             CHECK(plugin_format_of("/") == PluginFormat::Unknown);
             CHECK(plugin_format_of("gain") == PluginFormat::Unknown);
             CHECK(plugin_format_of("gain.so") == PluginFormat::Unknown);
             CHECK(plugin_format_of("gain.clap.bak") == PluginFormat::Unknown);
             CHECK(plugin_format_of("/plugins/.clap") == PluginFormat::Unknown);
         }},
    });
}
