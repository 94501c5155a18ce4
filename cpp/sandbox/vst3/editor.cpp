#include "vst3/editor.hpp"

#include "core/request_error.hpp"
#include "core/thread_roles.hpp"

namespace scuff::sbox {

using namespace Steinberg;
using protocol::ErrorCode;

namespace {

EditorSize size_of(const ViewRect& rect) {
    return {static_cast<uint32_t>(rect.getWidth()), static_cast<uint32_t>(rect.getHeight())};
}

} // namespace

Vst3Editor::Vst3Editor(Vst::IEditController* controller, IPlugFrame* frame, std::string plugin_name)
    : controller_(controller), frame_(frame), plugin_name_(std::move(plugin_name)) {
    SCUFF_ASSERT_MAIN_THREAD();
    if (!controller_) {
        return;
    }
    vst3::Owned<IPlugView> view(controller_->createView(Vst::ViewType::kEditor));
    available_ = view && view->isPlatformTypeSupported(kPlatformTypeX11EmbedWindowID) == kResultTrue;
}

EditorSize Vst3Editor::open(uint64_t parent) {
    SCUFF_ASSERT_MAIN_THREAD();
    close();
    auto fail = [this](const std::string& what) {
        close();
        return RequestError(ErrorCode::EditorFailed, plugin_name_ + ": " + what);
    };
    if (parent == 0) {
        throw fail("a VST3 editor needs a window to embed in");
    }
    if (controller_) {
        view_.reset(controller_->createView(Vst::ViewType::kEditor));
    }
    if (!view_) {
        throw fail("the plugin made no editor view");
    }
    view_->setFrame(frame_);
    if (view_->attached(reinterpret_cast<void*>(static_cast<uintptr_t>(parent)), kPlatformTypeX11EmbedWindowID) !=
        kResultOk) {
        throw fail("the plugin's editor failed to attach to its window");
    }
    ViewRect rect;
    if (view_->getSize(&rect) != kResultOk || rect.getWidth() <= 0 || rect.getHeight() <= 0) {
        throw fail("the plugin's editor has no size");
    }
    return size_of(rect);
}

void Vst3Editor::close() {
    SCUFF_ASSERT_MAIN_THREAD();
    if (!view_) {
        return;
    }
    // Taken out first: the plugin may ask its frame for things while it is removed.
    vst3::Owned<IPlugView> view = std::move(view_);
    view->removed();
    view->setFrame(nullptr);
}

bool Vst3Editor::resizable() const {
    SCUFF_ASSERT_MAIN_THREAD();
    return view_ && view_->canResize() == kResultTrue;
}

EditorSize Vst3Editor::resize(EditorSize wanted) {
    SCUFF_ASSERT_MAIN_THREAD();
    ViewRect current;
    if (!view_ || view_->getSize(&current) != kResultOk) {
        throw RequestError(ErrorCode::EditorFailed, plugin_name_ + ": the editor is not open");
    }
    if (!resizable()) {
        return size_of(current);
    }
    ViewRect rect(0, 0, static_cast<int32>(wanted.width), static_cast<int32>(wanted.height));
    view_->checkSizeConstraint(&rect);
    if (rect.getWidth() <= 0 || rect.getHeight() <= 0 || view_->onSize(&rect) != kResultOk) {
        return size_of(current);
    }
    return size_of(rect);
}

bool Vst3Editor::view_asks(IPlugView* view, ViewRect& size, const std::function<bool(EditorSize)>& window_took) {
    SCUFF_ASSERT_MAIN_THREAD();
    if (!view_ || view != view_.get() || size.getWidth() <= 0 || size.getHeight() <= 0) {
        return false;
    }
    if (!window_took(size_of(size))) {
        return false;
    }
    view_->onSize(&size);
    return true;
}

} // namespace scuff::sbox
