#pragma once
// The sandbox's own connection to an X11 display, for the windows that hold plugin
// editors: opened only when the first editor is shown, so a sandbox never needs X to
// render. Only the main thread uses it. Plugins open connections of their own.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace scuff::os {

using WindowId = uint64_t;

// What the window manager reads to keep an editor with its host application's windows.
struct TopLevelProperties {
    std::string title;
    // WM_CLASS: instance and class names.
    std::string instance_name;
    std::string class_name;
    // WM_TRANSIENT_FOR: the host's window, or 0 for none.
    WindowId transient_for = 0;
};

struct SizeLimits {
    bool resizable = true;
    uint32_t min_width = 1, min_height = 1;
};

class X11Windows {
public:
    // Connects to $DISPLAY; nothing (with the reason in `error`) when there is none.
    static std::unique_ptr<X11Windows> open(std::string& error);
    ~X11Windows();
    X11Windows(const X11Windows&) = delete;
    X11Windows& operator=(const X11Windows&) = delete;

    // The connection's descriptor, readable when events wait.
    int fd() const;

    // A top-level window carrying `properties`, _NET_WM_PID of this process and
    // WM_DELETE_WINDOW, not mapped yet.
    WindowId create_top_level(uint32_t width, uint32_t height, const TopLevelProperties& properties);
    // A window inside another client's window (embedding); false when `parent` is not a window.
    std::optional<WindowId> create_child(WindowId parent, uint32_t width, uint32_t height);
    void set_size_limits(WindowId window, const SizeLimits& limits, uint32_t width, uint32_t height);
    void resize(WindowId window, uint32_t width, uint32_t height);
    void map(WindowId window);
    void unmap(WindowId window);
    void destroy(WindowId window);
    // Sends what is buffered to the server.
    void flush();

    struct Event {
        enum class Kind { CloseRequested, Resized, Mapped };
        Kind kind;
        WindowId window;
        uint32_t width = 0, height = 0;
    };
    // Every event that arrived, reduced to those the sandbox acts on.
    std::vector<Event> take_events();

private:
    struct Connection;
    explicit X11Windows(std::unique_ptr<Connection> connection);
    std::unique_ptr<Connection> connection_;
};

} // namespace scuff::os
