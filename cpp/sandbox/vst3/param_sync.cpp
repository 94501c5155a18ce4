#include "vst3/param_sync.hpp"

#include <algorithm>
#include <cmath>

#include "core/thread_roles.hpp"

namespace scuff::sbox {

using namespace Steinberg;

Vst3ParamSync::Vst3ParamSync(const Vst3ParamTable& params, Controller* controller)
    : params_(params), controller_(controller), resend_(ParamRing::capacity) {}

void Vst3ParamSync::gather(std::span<const ParamChange> changes, Vst3ParamChanges& input) {
    input.clear();
    if (drop_resend_.exchange(false)) {
        resend_count_ = 0;
    }
    int32 index;
    auto add = [&](Vst::ParamID param_id, int32 offset, double normalized) {
        if (auto* queue = input.queue(param_id)) {
            queue->addPoint(offset, normalized, index);
        }
    };
    for (uint32_t i = 0; i < resend_count_; ++i) {
        add(resend_[i].param_id, 0, resend_[i].value);
    }
    controller_edits_.drain([&](const ParamChange& edit) { add(edit.param_id, 0, edit.value); });
    for (const auto& change : changes) {
        add(change.param_id, static_cast<int32>(change.frame), params_.mapping(change.param_id).to_normalized(change.value));
        host_changes_.push(change);
    }
}

void Vst3ParamSync::add_plugin_change(Vst::ParamID param_id, int32 offset, double normalized, Vst3ParamChanges& input) {
    SCUFF_ASSERT_AUDIO_THREAD();
    int32 index;
    if (auto* queue = input.queue(param_id)) {
        queue->addPoint(offset, normalized, index);
    }
    // The controller follows, as it does for any value the processor takes on its own.
    plugin_changes_.push({param_id, 0, normalized});
}

void Vst3ParamSync::resend_with_next_block(Vst3ParamChanges& input) {
    resend_count_ = 0;
    for (int32 i = 0, count = input.getParameterCount(); i < count; ++i) {
        auto* queue = input.getParameterData(i);
        int32 offset;
        Vst::ParamValue normalized;
        if (queue->getPoint(queue->getPointCount() - 1, offset, normalized) == kResultOk &&
            resend_count_ < resend_.size()) {
            resend_[resend_count_++] = {queue->getParameterId(), 0, normalized};
        }
    }
}

void Vst3ParamSync::deliver(Vst3ParamChanges& output, ParamRing& out) {
    SCUFF_ASSERT_AUDIO_THREAD();
    Vst::ParamValue normalized;
    int32 offset;
    for (int32 i = 0, count = output.getParameterCount(); i < count; ++i) {
        auto* queue = output.getParameterData(i);
        Vst::ParamID param_id = queue->getParameterId();
        const auto& mapping = params_.mapping(param_id);
        int32 points = queue->getPointCount();
        for (int32 point = 0; point < points; ++point) {
            if (queue->getPoint(point, offset, normalized) == kResultOk && std::isfinite(normalized)) {
                out.push({param_id, static_cast<uint32_t>(std::max(offset, 0)), mapping.to_plain(normalized)});
            }
        }
        if (points > 0 && queue->getPoint(points - 1, offset, normalized) == kResultOk && std::isfinite(normalized)) {
            plugin_changes_.push({param_id, 0, std::clamp(normalized, 0.0, 1.0)});
        }
    }
}

bool Vst3ParamSync::controller_edited(Vst::ParamID param_id, double normalized) {
    if (!std::isfinite(normalized)) {
        return false;
    }
    std::lock_guard lock(edits_mutex_);
    // A plugin that edits without end must not exhaust the sandbox's memory.
    if (edits_.size() < ParamRing::capacity) {
        edits_.emplace_back(param_id, std::clamp(normalized, 0.0, 1.0));
    }
    edits_pending_ = true;
    return true;
}

void Vst3ParamSync::sync() {
    SCUFF_ASSERT_MAIN_THREAD();
    host_changes_.drain([this](const ParamChange& change) {
        set_by_host_[change.param_id] = change.value;
        if (controller_) {
            controller_->set_normalized(change.param_id, params_.mapping(change.param_id).to_normalized(change.value));
        }
    });
    plugin_changes_.drain([this](const ParamChange& change) {
        set_by_host_.erase(change.param_id);
        if (controller_) {
            controller_->set_normalized(change.param_id, change.value);
        }
    });
}

std::optional<std::vector<Vst3ParamSync::PlainValue>> Vst3ParamSync::take_edits() {
    SCUFF_ASSERT_MAIN_THREAD();
    sync();
    if (values_stale_.exchange(false)) {
        set_by_host_.clear();
    }
    std::vector<std::pair<Vst::ParamID, double>> edits;
    {
        std::lock_guard lock(edits_mutex_);
        if (!edits_pending_) {
            return std::nullopt;
        }
        edits_pending_ = false;
        edits.swap(edits_);
    }
    std::vector<PlainValue> taken;
    for (const auto& [param_id, normalized] : edits) {
        if (!params_.contains(param_id)) {
            continue;
        }
        // The newest value, known to the host exactly, until the plugin changes it again.
        double plain = controller_->to_plain(param_id, normalized);
        set_by_host_[param_id] = plain;
        taken.push_back({param_id, plain});
        controller_edits_.push({param_id, 0, normalized});
    }
    return taken;
}

std::optional<double> Vst3ParamSync::exact_value(Vst::ParamID param_id) const {
    SCUFF_ASSERT_MAIN_THREAD();
    auto found = set_by_host_.find(param_id);
    return found == set_by_host_.end() ? std::nullopt : std::optional<double>(found->second);
}

std::vector<std::pair<uint32_t, double>> Vst3ParamSync::values_to_save() const {
    SCUFF_ASSERT_MAIN_THREAD();
    std::vector<std::pair<uint32_t, double>> values;
    for (const auto& [param_id, value] : set_by_host_) {
        const auto* param = params_.find(param_id);
        if (param && !(param->description.flags & kParamReadOnly)) {
            values.emplace_back(param_id, value);
        }
    }
    return values;
}

void Vst3ParamSync::begin_state_load() {
    SCUFF_ASSERT_MAIN_THREAD();
    sync();
    drop_resend_ = true;
}

void Vst3ParamSync::apply_state_values(std::span<const std::pair<uint32_t, double>> values) {
    SCUFF_ASSERT_MAIN_THREAD();
    set_by_host_.clear();
    for (const auto& [param_id, value] : values) {
        const auto* param = params_.find(param_id);
        if (!param || !std::isfinite(value) || value < param->description.min_value ||
            value > param->description.max_value) {
            continue;  // Not this plugin's, or out of its range: the component's own value stands.
        }
        double normalized = controller_->to_normalized(param_id, value);
        set_by_host_[param_id] = value;
        controller_->set_normalized(param_id, normalized);
        controller_edits_.push({param_id, 0, normalized});
    }
}

} // namespace scuff::sbox
