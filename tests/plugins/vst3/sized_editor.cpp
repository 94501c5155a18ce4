#include "audio_buffers.hpp"
#include "class_ids.hpp"
#include "classes.hpp"
#include "component.hpp"
#include "edit_controller.hpp"

#include "pluginterfaces/gui/iplugview.h"

#include <algorithm>
#include <cstring>

namespace scuff_vst3 {

namespace {

using Steinberg::IPlugFrame;
using Steinberg::IPlugView;
using Steinberg::ViewRect;

constexpr ParamID ask_size_param = 0;
constexpr int32 first_width = 320;
constexpr int32 first_height = 200;
// "Ask size" set to 1: the editor asks its frame for this size.
constexpr int32 asked_width = 360;
constexpr int32 asked_height = 240;
constexpr int32 min_size = 80;

const ParamSpec specs[] = {
    {ask_size_param, "Ask size", "", 0.0, 1.0, 0.0, 1, ParameterInfo::kCanAutomate, 0},
};

class SizedEditor;

// An X11 editor that draws nothing: it takes any size above min_size, and asks its frame
// (IPlugFrame::resizeView) for a size of its own when its plugin's "Ask size" is set.
class SizedView : public IPlugView {
public:
    explicit SizedView(SizedEditor* owner) : owner_(owner) {}
    ~SizedView();

    tresult PLUGIN_API isPlatformTypeSupported(Steinberg::FIDString type) override {
        return type && std::strcmp(type, Steinberg::kPlatformTypeX11EmbedWindowID) == 0 ? kResultTrue : kResultFalse;
    }
    tresult PLUGIN_API attached(void* parent, Steinberg::FIDString type) override {
        return parent && isPlatformTypeSupported(type) == kResultTrue ? kResultOk : kResultFalse;
    }
    tresult PLUGIN_API removed() override { return kResultOk; }
    tresult PLUGIN_API onWheel(float) override { return kResultFalse; }
    tresult PLUGIN_API onKeyDown(char16, int16, int16) override { return kResultFalse; }
    tresult PLUGIN_API onKeyUp(char16, int16, int16) override { return kResultFalse; }
    tresult PLUGIN_API getSize(ViewRect* size) override {
        if (!size)
            return kInvalidArgument;
        *size = size_;
        return kResultOk;
    }
    tresult PLUGIN_API onSize(ViewRect* size) override {
        if (!size)
            return kInvalidArgument;
        size_ = ViewRect(0, 0, size->getWidth(), size->getHeight());
        return kResultOk;
    }
    tresult PLUGIN_API onFocus(TBool) override { return kResultOk; }
    tresult PLUGIN_API setFrame(IPlugFrame* frame) override {
        frame_.share(frame);
        return kResultOk;
    }
    tresult PLUGIN_API canResize() override { return kResultTrue; }
    tresult PLUGIN_API checkSizeConstraint(ViewRect* size) override {
        if (!size)
            return kInvalidArgument;
        size->right = size->left + std::max(size->getWidth(), min_size);
        size->bottom = size->top + std::max(size->getHeight(), min_size);
        return kResultOk;
    }

    void ask_for_size() {
        ViewRect wanted(0, 0, asked_width, asked_height);
        if (frame_)
            frame_->resizeView(this, &wanted);
    }

    void forget_owner() { owner_ = nullptr; }

protected:
    void* interface(const TUID iid) {
        if (same_iid(iid, Steinberg::IPlugView_iid) || same_iid(iid, FUnknown_iid))
            return static_cast<IPlugView*>(this);
        return nullptr;
    }

private:
    SizedEditor* owner_;
    Ref<IPlugFrame> frame_;
    ViewRect size_{0, 0, first_width, first_height};
};

// A stereo passthrough whose editor asks for a size of its own (see SizedView).
class SizedEditor : public EditControllerOf<Component> {
public:
    SizedEditor() : EditControllerOf(specs, 1, nullptr, main_bus(2), main_bus(2)) {}
    ~SizedEditor() {
        if (view_)
            view_->forget_owner();
    }

    IPlugView* PLUGIN_API createView(Steinberg::FIDString name) override {
        if (!name || std::strcmp(name, Steinberg::Vst::ViewType::kEditor) != 0 || view_)
            return nullptr;
        view_ = new Com<SizedView>(this);
        return view_;
    }

    void view_gone() { view_ = nullptr; }

protected:
    void process_block(ProcessData& data) override { copy_main(data, 0, data.numSamples); }

    void controller_changed(ParamID id, ParamValue normalized) override {
        if (id == ask_size_param && normalized >= 0.5 && view_)
            view_->ask_for_size();
    }

private:
    SizedView* view_ = nullptr;
};

SizedView::~SizedView() {
    if (owner_)
        owner_->view_gone();
}

} // namespace

const ClassEntry sized_editor_class = {sized_editor_cid, kVstAudioEffectClass, "Test Sized Editor", "Fx|Tools|Stereo",
                                       &create<SizedEditor>};

} // namespace scuff_vst3
