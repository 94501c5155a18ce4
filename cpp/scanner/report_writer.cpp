#include "report_writer.hpp"

#include "scuff/protocol/scan_report_generated.h"

namespace scuff::scan {

namespace {

namespace protocol = scuff::protocol;
using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;

std::vector<Offset<protocol::PortInfo>> encode_ports(FlatBufferBuilder& builder,
                                                     const std::vector<ScannedPort>& ports) {
    std::vector<Offset<protocol::PortInfo>> encoded;
    for (const ScannedPort& port : ports) {
        encoded.push_back(protocol::CreatePortInfoDirect(builder, port.id, port.name.c_str(),
                                                         port.channels, port.is_main));
    }
    return encoded;
}

Offset<protocol::ScannedPlugin> encode_plugin(FlatBufferBuilder& builder,
                                              const ScannedPlugin& plugin) {
    std::vector<Offset<flatbuffers::String>> features;
    for (const std::string& feature : plugin.features) {
        features.push_back(builder.CreateString(feature));
    }
    auto inputs = encode_ports(builder, plugin.audio_inputs);
    auto outputs = encode_ports(builder, plugin.audio_outputs);
    return protocol::CreateScannedPluginDirect(
        builder, plugin.id.c_str(), plugin.name.c_str(), plugin.vendor.c_str(),
        plugin.version.c_str(), plugin.description.c_str(), plugin.url.c_str(),
        plugin.format.c_str(), plugin.path.c_str(), &features, &inputs, &outputs,
        plugin.note_inputs, plugin.note_outputs, plugin.has_gui, plugin.param_count);
}

} // namespace

flatbuffers::DetachedBuffer encode_report(const ScanResult& result) {
    FlatBufferBuilder builder;
    std::vector<Offset<protocol::ScannedPlugin>> plugins;
    for (const ScannedPlugin& plugin : result.plugins) {
        plugins.push_back(encode_plugin(builder, plugin));
    }
    // An absent error field is how the schema says "the file was read".
    auto report = protocol::CreateScanReportDirect(
        builder, result.path.c_str(), &plugins,
        result.error.empty() ? nullptr : result.error.c_str());
    protocol::FinishScanReportBuffer(builder, report);
    return builder.Release();
}

} // namespace scuff::scan
