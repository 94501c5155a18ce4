// Plugins that open an X connection of their own at their first processed block, as a
// plugin's editor toolkit does, and try what a snooping plugin would. Read-only "Result":
// -1 before the attempt, 4095 when no display could be opened, else:
// - x11-snoop reads one pixel of another client's window (the X11 window id in
//   SCUFF_HOSTILE_TARGET): 0 when it read the pixel, 1 when the server refused it, 2 when
//   the pixel is not the one in SCUFF_HOSTILE_PIXEL (0xRRGGBB, when set): another window;
// - x11-grab grabs the keyboard at the root window and keeps the grab while it lives: the
//   status XGrabKeyboard returned (0 GrabSuccess, 1 AlreadyGrabbed, 3 GrabNotViewable...).
#include "passthrough.hpp"
#include "plugin_types.hpp"

#include <X11/Xlib.h>
#include <X11/Xutil.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace scuff_test {

namespace {

const char* features[] = {CLAP_PLUGIN_FEATURE_AUDIO_EFFECT, CLAP_PLUGIN_FEATURE_STEREO, nullptr};
constexpr clap_plugin_descriptor_t snoop_descriptor =
    describe("org.scuff.test.hostile.x11-snoop", "Test Hostile X11 Snoop", features);
constexpr clap_plugin_descriptor_t grab_descriptor =
    describe("org.scuff.test.hostile.x11-grab", "Test Hostile X11 Grab", features);

constexpr int read_it = 0;
constexpr int refused = 1;
constexpr int other_window = 2;
constexpr int no_display = 4095;

int ignore_error(Display*, XErrorEvent*) { return 0; }

int snoop(Display* display) {
    const char* target = std::getenv("SCUFF_HOSTILE_TARGET");
    Window window = target ? std::strtoul(target, nullptr, 0) : 0;
    XImage* image = XGetImage(display, window, 0, 0, 1, 1, AllPlanes, ZPixmap);
    XSync(display, False);
    if (image == nullptr)
        return refused;
    unsigned long pixel = XGetPixel(image, 0, 0) & 0xFFFFFF;
    XDestroyImage(image);
    const char* expected = std::getenv("SCUFF_HOSTILE_PIXEL");
    return expected == nullptr || std::strtoul(expected, nullptr, 0) == pixel ? read_it : other_window;
}

int grab_keyboard(Display* display) {
    int status = XGrabKeyboard(display, DefaultRootWindow(display), False, GrabModeAsync, GrabModeAsync, CurrentTime);
    XSync(display, False);
    return status;
}

using Attempt = int (*)(Display*);

template <const clap_plugin_descriptor_t* descriptor, Attempt attempt>
class X11Attempt : public Passthrough {
public:
    X11Attempt() : Passthrough(descriptor) {}
    ~X11Attempt() override {
        if (display_ != nullptr)
            XCloseDisplay(display_);
    }

protected:
    clap_process_status process(const clap_process_t& process) override {
        if (result_ == -1)
            result_ = try_it();
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
    int try_it() {
        display_ = XOpenDisplay(nullptr);
        if (display_ == nullptr)
            return no_display;
        // The sandbox's own connection has a handler of its own: it gets it back.
        auto previous = XSetErrorHandler(ignore_error);
        int result = attempt(display_);
        XSetErrorHandler(previous);
        return result;
    }

    // Kept open while the plugin lives, so that what it took (a grab) stays taken.
    Display* display_ = nullptr;
    std::atomic<int> result_{-1};
};

} // namespace

const PluginType hostile_x11_snoop_type = {&snoop_descriptor, &create<X11Attempt<&snoop_descriptor, snoop>>};
const PluginType hostile_x11_grab_type = {&grab_descriptor, &create<X11Attempt<&grab_descriptor, grab_keyboard>>};

} // namespace scuff_test
