#pragma once
// Builders for every message the sandbox sends to the client.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/log_severity.hpp"
#include "flatbuffers/flatbuffers.h"
#include "scuff/protocol/sandbox_message_generated.h"

namespace scuff::sbox {

class Device;
struct ListedPreset;

// A device's editor as the client sees it.
struct EditorState {
    bool visible = false;
    // The top-level window, or the window inside the client's; 0 when the plugin floats its own.
    uint64_t window = 0;
    uint32_t width = 0, height = 0;
    bool resizable = false;
};

using Message = flatbuffers::DetachedBuffer;

inline constexpr uint32_t kProtocolVersion = 1;

Message ready_message();
Message ok_reply(uint64_t request);
Message failure_reply(uint64_t request, protocol::ErrorCode code, const std::string& text);
Message device_info_reply(uint64_t request, const Device& device);
Message param_value_reply(uint64_t request, double value);
Message text_reply(uint64_t request, const std::string& text);
Message state_reply(uint64_t request, std::span<const uint8_t> data);
Message preset_list_reply(uint64_t request, std::span<const ListedPreset> presets);
Message log_message(uint32_t device, LogSeverity severity, const std::string& text);
Message device_changed_message(const Device& device, bool state_dirty);
// The plugin changed a parameter itself (a gesture in its editor), in plain units.
Message param_edited_message(uint32_t device, uint32_t param_id, double value);

Message editor_reply(uint64_t request, uint32_t device, const EditorState& state);
// The editor changed on the user's or the plugin's initiative (closed, resized).
Message editor_changed_message(uint32_t device, const EditorState& state);

} // namespace scuff::sbox
