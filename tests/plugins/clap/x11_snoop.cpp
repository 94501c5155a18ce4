// A plugin that opens an X connection of its own at its first processed block, as a
// plugin's editor toolkit does, and tries to read one pixel of another client's window (the
// X11 window id in SCUFF_HOSTILE_TARGET). Read-only "Result": -1 before the attempt, 0 when
// it read the pixel, 1 when the server refused it, 4095 when no display could be opened.
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
constexpr clap_plugin_descriptor_t descriptor =
    describe("org.scuff.test.hostile.x11-snoop", "Test Hostile X11 Snoop", features);

constexpr int read_it = 0;
constexpr int refused = 1;
constexpr int no_display = 4095;

int ignore_error(Display*, XErrorEvent*) { return 0; }

int snoop() {
    const char* target = std::getenv("SCUFF_HOSTILE_TARGET");
    Window window = target ? std::strtoul(target, nullptr, 0) : 0;
    Display* display = XOpenDisplay(nullptr);
    if (display == nullptr)
        return no_display;
    // The sandbox's own connection has a handler of its own: it gets it back.
    auto previous = XSetErrorHandler(ignore_error);
    XImage* image = XGetImage(display, window, 0, 0, 1, 1, AllPlanes, ZPixmap);
    XSync(display, False);
    int result = image != nullptr ? read_it : refused;
    if (image != nullptr)
        XDestroyImage(image);
    XCloseDisplay(display);
    XSetErrorHandler(previous);
    return result;
}

class X11Snoop : public Passthrough {
public:
    X11Snoop() : Passthrough(&descriptor) {}

protected:
    clap_process_status process(const clap_process_t& process) override {
        if (result_ == -1)
            result_ = snoop();
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

} // namespace

const PluginType hostile_x11_snoop_type = {&descriptor, &create<X11Snoop>};

} // namespace scuff_test
