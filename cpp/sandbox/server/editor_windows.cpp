#include "server/editor_windows.hpp"

#include <algorithm>
#include <cctype>

#include "core/request_error.hpp"
#include "core/thread_roles.hpp"

namespace scuff::sbox {

using protocol::ErrorCode;

namespace {

// WM_CLASS's instance name: the application's name in lower case, words joined by '-'.
std::string instance_name(const std::string& app_name) {
    std::string name;
    for (char c : app_name) {
        name += std::isspace(static_cast<unsigned char>(c)) ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return name;
}

} // namespace

EditorWindows::~EditorWindows() = default;

void EditorWindows::connect() {
    if (x11_) {
        return;
    }
    std::string error;
    x11_ = os::X11Windows::open(error);
    if (!x11_) {
        throw RequestError(ErrorCode::NoDisplay, error + "; editors need an X display (audio is not affected)");
    }
}

EditorState EditorWindows::state_of(uint32_t device) const {
    auto found = editors_.find(device);
    if (found == editors_.end()) {
        return {};
    }
    const Editor& editor = found->second;
    return {true, editor.window, editor.size.width, editor.size.height, editor.resizable};
}

EditorState EditorWindows::show(Device& device, const ShowEditorRequest& request) {
    SCUFF_ASSERT_MAIN_THREAD();
    if (editors_.contains(device.id())) {
        return state_of(device.id());
    }
    if (!device.has_editor()) {
        throw RequestError(ErrorCode::EditorFailed, device.identity().name + " has no editor");
    }
    connect();
    std::string app_name = request.app_name.empty() ? "scuff" : request.app_name;
    Editor editor;
    if (!device.editor_embeddable()) {
        if (request.embed) {
            throw RequestError(ErrorCode::EditorFailed,
                               device.identity().name + "'s editor cannot be embedded; it only floats");
        }
        editor.size = device.open_editor(0, request.parent, device.identity().name + " - " + app_name);
    } else {
        if (request.embed) {
            auto child = x11_->create_child(request.parent, 1, 1);
            if (!child) {
                throw RequestError(ErrorCode::EditorFailed,
                                   "cannot embed the editor: window " + std::to_string(request.parent) + " is not a window");
            }
            editor.window = *child;
        } else {
            os::TopLevelProperties properties;
            properties.title = device.identity().name + " - " + app_name;
            properties.instance_name = instance_name(app_name);
            properties.class_name = app_name;
            properties.transient_for = request.parent;
            editor.window = x11_->create_top_level(1, 1, properties);
        }
        x11_->flush();
        try {
            editor.size = device.open_editor(editor.window, 0, "");
        } catch (...) {
            x11_->destroy(editor.window);
            x11_->flush();
            throw;
        }
        editor.resizable = device.editor_resizable();
        x11_->resize(editor.window, editor.size.width, editor.size.height);
        if (!request.embed) {
            x11_->set_size_limits(editor.window, {editor.resizable, 16, 16}, editor.size.width, editor.size.height);
        }
        x11_->map(editor.window);
        x11_->flush();
    }
    editors_[device.id()] = editor;
    return state_of(device.id());
}

void EditorWindows::close(Device& device) {
    auto found = editors_.find(device.id());
    if (found == editors_.end()) {
        return;
    }
    os::WindowId window = found->second.window;
    editors_.erase(found);
    device.close_editor();
    if (window) {
        x11_->destroy(window);
        x11_->flush();
    }
}

EditorState EditorWindows::hide(Device& device) {
    SCUFF_ASSERT_MAIN_THREAD();
    close(device);
    return {};
}

void EditorWindows::forget(Device& device) {
    try {
        close(device);
    } catch (...) {
        // The device goes anyway.
    }
}

EditorState EditorWindows::resize(Device& device, EditorSize wanted) {
    SCUFF_ASSERT_MAIN_THREAD();
    auto found = editors_.find(device.id());
    if (found == editors_.end()) {
        throw RequestError(ErrorCode::EditorFailed, "the editor of " + device.identity().name + " is not shown");
    }
    if (wanted.width == 0 || wanted.height == 0 || wanted.width > 16384 || wanted.height > 16384) {
        throw RequestError(ErrorCode::BadRequest, "an editor's size is 1 to 16384 pixels each way");
    }
    Editor& editor = found->second;
    editor.size = device.resize_editor(wanted);
    if (editor.window) {
        x11_->resize(editor.window, editor.size.width, editor.size.height);
        x11_->flush();
    }
    return state_of(device.id());
}

bool EditorWindows::plugin_resized(Device& device, EditorSize size) {
    SCUFF_ASSERT_MAIN_THREAD();
    auto found = editors_.find(device.id());
    if (found == editors_.end() || size.width == 0 || size.height == 0 || size.width > 16384 || size.height > 16384) {
        return false;
    }
    Editor& editor = found->second;
    editor.size = size;
    if (editor.window) {
        x11_->resize(editor.window, size.width, size.height);
        x11_->flush();
    }
    changed_(device.id(), state_of(device.id()));
    return true;
}

void EditorWindows::closed(uint32_t device) {
    if (editors_.erase(device) > 0) {
        changed_(device, {});
    }
}

void EditorWindows::serve_events(const std::function<Device*(uint32_t)>& find_device) {
    if (!x11_) {
        return;
    }
    for (const auto& event : x11_->take_events()) {
        auto found = std::find_if(editors_.begin(), editors_.end(),
                                  [&](const auto& entry) { return entry.second.window == event.window; });
        if (found == editors_.end()) {
            continue;
        }
        uint32_t id = found->first;
        Device* device = find_device(id);
        if (!device) {
            continue;
        }
        using Kind = os::X11Windows::Event::Kind;
        if (event.kind == Kind::CloseRequested) {
            close(*device);
            changed_(id, {});
        } else if (event.kind == Kind::Resized) {
            Editor& editor = found->second;
            EditorSize size{event.width, event.height};
            if (size == editor.size) {
                continue;
            }
            // The user resized the window: the plugin takes the size it can, and the
            // window follows what it took.
            EditorSize taken = editor.resizable ? device->resize_editor(size) : editor.size;
            editor.size = taken;
            if (!(taken == size)) {
                x11_->resize(editor.window, taken.width, taken.height);
                x11_->flush();
            }
            changed_(id, state_of(id));
        }
    }
}

} // namespace scuff::sbox
