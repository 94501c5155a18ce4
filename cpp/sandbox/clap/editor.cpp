#include "clap/editor.hpp"

#include "core/request_error.hpp"
#include "core/thread_roles.hpp"

namespace scuff::sbox {

using protocol::ErrorCode;

ClapEditor::ClapEditor(const clap_plugin_t* plugin, std::string plugin_name)
    : plugin_(plugin),
      gui_(static_cast<const clap_plugin_gui_t*>(plugin->get_extension(plugin, CLAP_EXT_GUI))),
      plugin_name_(std::move(plugin_name)) {
    SCUFF_ASSERT_MAIN_THREAD();
    available_ = gui_ && gui_->is_api_supported && gui_->create && gui_->destroy &&
                 (gui_->is_api_supported(plugin_, CLAP_WINDOW_API_X11, false) ||
                  gui_->is_api_supported(plugin_, CLAP_WINDOW_API_X11, true));
}

ClapEditor::~ClapEditor() {
    SCUFF_ASSERT_MAIN_THREAD();
    if (created_) {
        gui_->destroy(plugin_);
    }
}

bool ClapEditor::embeddable() const {
    SCUFF_ASSERT_MAIN_THREAD();
    return available_ && gui_->is_api_supported(plugin_, CLAP_WINDOW_API_X11, false) && gui_->set_parent;
}

EditorSize ClapEditor::open(uint64_t parent, uint64_t transient_for, const std::string& title) {
    SCUFF_ASSERT_MAIN_THREAD();
    bool floating = parent == 0;
    auto fail = [this](const std::string& what) {
        if (created_) {
            gui_->destroy(plugin_);
            created_ = false;
        }
        return RequestError(ErrorCode::EditorFailed, plugin_name_ + ": " + what);
    };
    close();  // a floating editor the user closed may still be created
    if (!gui_->create(plugin_, CLAP_WINDOW_API_X11, floating)) {
        throw fail("the plugin failed to create its editor");
    }
    created_ = true;
    clap_window_t window{};
    window.api = CLAP_WINDOW_API_X11;
    if (floating) {
        window.x11 = static_cast<clap_xwnd>(transient_for);
        if (transient_for && gui_->set_transient) {
            gui_->set_transient(plugin_, &window);
        }
        if (gui_->suggest_title) {
            gui_->suggest_title(plugin_, title.c_str());
        }
    } else {
        window.x11 = static_cast<clap_xwnd>(parent);
        if (!gui_->set_parent(plugin_, &window)) {
            throw fail("the plugin refused the window to embed its editor in");
        }
    }
    EditorSize size;
    if (!gui_->get_size || !gui_->get_size(plugin_, &size.width, &size.height) || size.width == 0 || size.height == 0) {
        throw fail("the plugin's editor has no size");
    }
    if (!gui_->show || !gui_->show(plugin_)) {
        throw fail("the plugin failed to show its editor");
    }
    return size;
}

void ClapEditor::close() {
    SCUFF_ASSERT_MAIN_THREAD();
    if (!created_) {
        return;
    }
    created_ = false;
    if (gui_->hide) {
        gui_->hide(plugin_);
    }
    gui_->destroy(plugin_);
}

bool ClapEditor::resizable() const {
    SCUFF_ASSERT_MAIN_THREAD();
    return created_ && gui_->can_resize && gui_->can_resize(plugin_);
}

EditorSize ClapEditor::resize(EditorSize wanted) {
    SCUFF_ASSERT_MAIN_THREAD();
    EditorSize current;
    if (!created_ || !gui_->get_size || !gui_->get_size(plugin_, &current.width, &current.height)) {
        throw RequestError(ErrorCode::EditorFailed, plugin_name_ + ": the editor is not open");
    }
    if (!resizable()) {
        return current;
    }
    EditorSize adjusted = wanted;
    if (gui_->adjust_size && !gui_->adjust_size(plugin_, &adjusted.width, &adjusted.height)) {
        return current;
    }
    if (!gui_->set_size || !gui_->set_size(plugin_, adjusted.width, adjusted.height)) {
        return current;
    }
    return adjusted;
}

void ClapEditor::closed_by_plugin(bool was_destroyed) {
    SCUFF_ASSERT_MAIN_THREAD();
    if (was_destroyed) {
        created_ = false;
    }
}

} // namespace scuff::sbox
