#include "scuff/os/x11_windows.hpp"

#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <limits.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace scuff::os {

namespace {

// Xlib's default handler ends the process on any error; a window id from the client
// that names no window must only fail its request.
int last_error_code = 0;
int record_error(Display*, XErrorEvent* event) {
    last_error_code = event->error_code;
    return 0;
}

} // namespace

struct X11Windows::Connection {
    Display* display = nullptr;
    Atom wm_protocols = 0, wm_delete_window = 0, net_wm_pid = 0, net_wm_name = 0, utf8_string = 0;
    ~Connection() {
        if (display) XCloseDisplay(display);
    }
};

std::unique_ptr<X11Windows> X11Windows::open(std::string& error) {
    const char* name = std::getenv("DISPLAY");
    if (!name || !*name) {
        error = "no X display: DISPLAY is not set";
        return nullptr;
    }
    auto connection = std::make_unique<Connection>();
    connection->display = XOpenDisplay(name);
    if (!connection->display) {
        error = std::string("cannot open the X display ") + name;
        return nullptr;
    }
    XSetErrorHandler(record_error);
    Display* display = connection->display;
    connection->wm_protocols = XInternAtom(display, "WM_PROTOCOLS", False);
    connection->wm_delete_window = XInternAtom(display, "WM_DELETE_WINDOW", False);
    connection->net_wm_pid = XInternAtom(display, "_NET_WM_PID", False);
    connection->net_wm_name = XInternAtom(display, "_NET_WM_NAME", False);
    connection->utf8_string = XInternAtom(display, "UTF8_STRING", False);
    return std::unique_ptr<X11Windows>(new X11Windows(std::move(connection)));
}

X11Windows::X11Windows(std::unique_ptr<Connection> connection) : connection_(std::move(connection)) {}

X11Windows::~X11Windows() = default;

int X11Windows::fd() const { return ConnectionNumber(connection_->display); }

WindowId X11Windows::create_top_level(uint32_t width, uint32_t height, const TopLevelProperties& properties) {
    Display* display = connection_->display;
    XSetWindowAttributes attributes{};
    attributes.background_pixel = BlackPixel(display, DefaultScreen(display));
    attributes.event_mask = StructureNotifyMask;
    Window window = XCreateWindow(display, DefaultRootWindow(display), 0, 0, width ? width : 1, height ? height : 1, 0,
                                  CopyFromParent, InputOutput, CopyFromParent, CWBackPixel | CWEventMask, &attributes);

    XStoreName(display, window, properties.title.c_str());
    XChangeProperty(display, window, connection_->net_wm_name, connection_->utf8_string, 8, PropModeReplace,
                    reinterpret_cast<const unsigned char*>(properties.title.data()),
                    static_cast<int>(properties.title.size()));
    std::string instance = properties.instance_name, klass = properties.class_name;
    XClassHint class_hint{instance.data(), klass.data()};
    XSetClassHint(display, window, &class_hint);
    if (properties.transient_for) {
        XSetTransientForHint(display, window, static_cast<Window>(properties.transient_for));
    }
    // _NET_WM_PID is only meaningful with the machine's name beside it.
    char host[HOST_NAME_MAX + 1] = {};
    if (gethostname(host, sizeof host - 1) == 0) {
        char* hosts[] = {host};
        XTextProperty machine{};
        if (XStringListToTextProperty(hosts, 1, &machine)) {
            XSetWMClientMachine(display, window, &machine);
            XFree(machine.value);
        }
    }
    long pid = getpid();
    XChangeProperty(display, window, connection_->net_wm_pid, XA_CARDINAL, 32, PropModeReplace,
                    reinterpret_cast<unsigned char*>(&pid), 1);
    Atom protocols[] = {connection_->wm_delete_window};
    XSetWMProtocols(display, window, protocols, 1);
    return window;
}

std::optional<WindowId> X11Windows::create_child(WindowId parent, uint32_t width, uint32_t height) {
    Display* display = connection_->display;
    XSync(display, False);
    last_error_code = 0;
    XWindowAttributes parent_attributes{};
    if (!XGetWindowAttributes(display, static_cast<Window>(parent), &parent_attributes) || last_error_code != 0) {
        return std::nullopt;
    }
    XSetWindowAttributes attributes{};
    attributes.event_mask = StructureNotifyMask;
    Window window = XCreateWindow(display, static_cast<Window>(parent), 0, 0, width ? width : 1, height ? height : 1, 0,
                                  CopyFromParent, InputOutput, CopyFromParent, CWEventMask, &attributes);
    XSync(display, False);
    if (last_error_code != 0) {
        return std::nullopt;
    }
    return window;
}

void X11Windows::set_size_limits(WindowId window, const SizeLimits& limits, uint32_t width, uint32_t height) {
    XSizeHints* hints = XAllocSizeHints();
    if (!hints) return;
    if (limits.resizable) {
        hints->flags = PMinSize;
        hints->min_width = static_cast<int>(limits.min_width);
        hints->min_height = static_cast<int>(limits.min_height);
    } else {
        hints->flags = PMinSize | PMaxSize;
        hints->min_width = hints->max_width = static_cast<int>(width);
        hints->min_height = hints->max_height = static_cast<int>(height);
    }
    XSetWMNormalHints(connection_->display, static_cast<Window>(window), hints);
    XFree(hints);
}

void X11Windows::resize(WindowId window, uint32_t width, uint32_t height) {
    XResizeWindow(connection_->display, static_cast<Window>(window), width ? width : 1, height ? height : 1);
}

void X11Windows::map(WindowId window) { XMapRaised(connection_->display, static_cast<Window>(window)); }

void X11Windows::unmap(WindowId window) { XUnmapWindow(connection_->display, static_cast<Window>(window)); }

void X11Windows::destroy(WindowId window) { XDestroyWindow(connection_->display, static_cast<Window>(window)); }

void X11Windows::flush() { XFlush(connection_->display); }

std::vector<X11Windows::Event> X11Windows::take_events() {
    std::vector<Event> events;
    Display* display = connection_->display;
    while (XPending(display) > 0) {
        XEvent event;
        XNextEvent(display, &event);
        switch (event.type) {
        case ClientMessage:
            if (event.xclient.message_type == connection_->wm_protocols && event.xclient.format == 32 &&
                static_cast<Atom>(event.xclient.data.l[0]) == connection_->wm_delete_window) {
                events.push_back({Event::Kind::CloseRequested, event.xclient.window});
            }
            break;
        case ConfigureNotify:
            events.push_back({Event::Kind::Resized, event.xconfigure.window,
                              static_cast<uint32_t>(event.xconfigure.width),
                              static_cast<uint32_t>(event.xconfigure.height)});
            break;
        case MapNotify:
            events.push_back({Event::Kind::Mapped, event.xmap.window});
            break;
        default:
            break;
        }
    }
    return events;
}

} // namespace scuff::os
