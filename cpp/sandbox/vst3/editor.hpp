#pragma once
// A VST3 plugin's editor: the controller's IPlugView, attached to an X11 window of the
// sandbox's and framed by the device's host object (IPlugFrame).
#include <cstdint>
#include <functional>
#include <string>

#include "core/device_description.hpp"
#include "pluginterfaces/gui/iplugview.h"
#include "pluginterfaces/vst/ivsteditcontroller.h"
#include "scuff/vst3_com.hpp"

namespace scuff::sbox {

class Vst3Editor {
public:
    // Main thread. `controller` (null: none) and `frame` outlive the editor; `plugin_name`
    // begins its errors. Asks the controller whether it makes a view that embeds in an X11
    // window; that view is released unattached, before the plugin builds anything.
    Vst3Editor(Steinberg::Vst::IEditController* controller, Steinberg::IPlugFrame* frame, std::string plugin_name);
    // The view is removed from its window before the controller goes.
    ~Vst3Editor() { close(); }
    Vst3Editor(const Vst3Editor&) = delete;
    Vst3Editor& operator=(const Vst3Editor&) = delete;

    // --- main thread; each call that reaches the plugin throws RequestError(EditorFailed) ---
    bool available() const { return available_; }
    // Attaches a new view to the X11 window `parent`; returns its size.
    EditorSize open(uint64_t parent);
    void close();
    bool resizable() const;
    // Asks the view for a size: returns the one it took, the closest its constraints allow.
    EditorSize resize(EditorSize wanted);
    // The plugin's `view` asks its frame for `size`: true when it is the open view and
    // `window_took(size)` fits the window to it; the view then hears the size, as the SDK asks.
    bool view_asks(Steinberg::IPlugView* view, Steinberg::ViewRect& size,
                   const std::function<bool(EditorSize)>& window_took);

private:
    Steinberg::Vst::IEditController* controller_;
    Steinberg::IPlugFrame* frame_;
    std::string plugin_name_;
    bool available_ = false;
    // While the editor is open (attached to a window), else null.
    vst3::Owned<Steinberg::IPlugView> view_;
};

} // namespace scuff::sbox
