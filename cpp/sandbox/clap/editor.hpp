#pragma once
// A CLAP plugin's editor, through its gui extension: embedded in an X11 window of the
// sandbox's, or floating in a window of the plugin's own.
#include <cstdint>
#include <string>

#include "clap/ext/gui.h"
#include "clap/plugin.h"
#include "core/device_description.hpp"

namespace scuff::sbox {

class ClapEditor {
public:
    // Main thread, after the plugin's init: what its gui extension offers. `plugin_name`
    // begins the errors.
    ClapEditor(const clap_plugin_t* plugin, std::string plugin_name);
    // A gui still created is destroyed, before the plugin is.
    ~ClapEditor();
    ClapEditor(const ClapEditor&) = delete;
    ClapEditor& operator=(const ClapEditor&) = delete;

    // --- main thread; each call that reaches the plugin throws RequestError(EditorFailed) ---
    // The plugin has an X11 editor, embedded or floating.
    bool available() const { return available_; }
    bool embeddable() const;
    // Creates the editor in the X11 window `parent` and shows it, or, with `parent` 0, in a
    // floating window of the plugin's, transient for `transient_for` and titled `title`.
    EditorSize open(uint64_t parent, uint64_t transient_for, const std::string& title);
    void close();
    bool resizable() const;
    // Asks the editor for a size: returns the one it took, the closest its constraints allow.
    EditorSize resize(EditorSize wanted);
    // The plugin's gui.closed: the user closed its floating window, and it may have
    // destroyed its gui itself.
    void closed_by_plugin(bool was_destroyed);

private:
    const clap_plugin_t* plugin_;
    const clap_plugin_gui_t* gui_;
    std::string plugin_name_;
    bool available_ = false;
    // Between gui.create and gui.destroy.
    bool created_ = false;
};

} // namespace scuff::sbox
