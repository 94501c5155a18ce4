#pragma once
// The windows that hold the devices' editors. The sandbox connects to the X display only
// when the first editor is shown; until then (and without a display) it never needs X.
// Without a window to embed into, an editor lives in a top-level window of the sandbox's
// that the window manager keeps with the host's windows (WM_TRANSIENT_FOR, _NET_WM_PID,
// WM_CLASS, a title naming the host application and the plugin); with `embed`, in a
// window of the sandbox's inside the client's window. A plugin that cannot be embedded
// floats a window of its own, transient for the host's.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/device.hpp"
#include "scuff/os/x11_windows.hpp"
#include "server/messages.hpp"

namespace scuff::sbox {

struct ShowEditorRequest {
    uint64_t parent = 0;
    bool embed = false;
    std::string app_name;
};

class EditorWindows {
public:
    // `changed` tells the client of what the user or the plugin did to an editor.
    explicit EditorWindows(std::function<void(uint32_t device, const EditorState&)> changed)
        : changed_(std::move(changed)) {}
    ~EditorWindows();

    // Main thread. Each throws RequestError (NoDisplay, EditorFailed, ...).
    EditorState show(Device& device, const ShowEditorRequest& request);
    EditorState hide(Device& device);
    EditorState resize(Device& device, EditorSize wanted);
    // The plugin asked for a size; false when it has no editor open.
    bool plugin_resized(Device& device, EditorSize size);
    // A floating editor was closed by the user, or the device is going away.
    void closed(uint32_t device);
    // The device is being destroyed: its editor closes first.
    void forget(Device& device);

    // The X connection's descriptor, or -1 before the first editor.
    int fd() const { return x11_ ? x11_->fd() : -1; }
    // Acts on the window events that arrived: close buttons, resizes by the user.
    void serve_events(const std::function<Device*(uint32_t)>& find_device);

private:
    struct Editor {
        os::WindowId window = 0;  // ours; 0 when the plugin floats its own
        EditorSize size;
        bool resizable = false;
    };
    EditorState state_of(uint32_t device) const;
    void connect();
    void close(Device& device);

    std::function<void(uint32_t, const EditorState&)> changed_;
    std::unique_ptr<os::X11Windows> x11_;
    std::map<uint32_t, Editor> editors_;
};

} // namespace scuff::sbox
