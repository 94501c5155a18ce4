#include "vst3/param_table.hpp"

#include <algorithm>

#include "scuff/param_limit.hpp"
#include "scuff/vst3_text.hpp"

namespace scuff::sbox {

using namespace Steinberg;

namespace {

uint32_t param_flags(const Vst::ParameterInfo& info) {
    uint32_t flags = 0;
    if (info.stepCount > 0) flags |= kParamStepped;
    if (info.flags & Vst::ParameterInfo::kIsWrapAround) flags |= kParamPeriodic;
    if (info.flags & Vst::ParameterInfo::kIsHidden) flags |= kParamHidden;
    if (info.flags & Vst::ParameterInfo::kIsReadOnly) flags |= kParamReadOnly;
    if (info.flags & Vst::ParameterInfo::kIsBypass) flags |= kParamBypass;
    if (info.flags & Vst::ParameterInfo::kCanAutomate) flags |= kParamAutomatable;
    return flags;
}

} // namespace

Vst3ParamTable::Vst3ParamTable(Vst::IEditController& controller, int32 count) {
    for (int32 index = 0; index < count; ++index) {
        Vst::ParameterInfo info{};
        if (controller.getParameterInfo(index, info) != kResultOk) {
            continue;
        }
        Vst::ParamID param_id = info.id;
        double at_zero = controller.normalizedParamToPlain(param_id, 0.0);
        double at_one = controller.normalizedParamToPlain(param_id, 1.0);
        double default_plain = controller.normalizedParamToPlain(param_id, info.defaultNormalizedValue);
        add({param_id, vst3::text(info.title), "", std::min(at_zero, at_one), std::max(at_zero, at_one),
             default_plain, param_flags(info)},
            Vst3ParamMapping([&controller, param_id](double normalized) {
                return controller.normalizedParamToPlain(param_id, normalized);
            }));
    }
}

void Vst3ParamTable::add(ParamDescription description, Vst3ParamMapping mapping) {
    Vst::ParamID param_id = description.id;
    params_.insert_or_assign(param_id, Param{std::move(description), mapping});
}

const Vst3ParamTable::Param* Vst3ParamTable::find(Vst::ParamID id) const {
    auto found = params_.find(id);
    return found == params_.end() ? nullptr : &found->second;
}

const Vst3ParamMapping& Vst3ParamTable::mapping(Vst::ParamID id) const {
    static const Vst3ParamMapping identity;
    const Param* param = find(id);
    return param ? param->mapping : identity;
}

std::vector<ParamDescription> Vst3ParamTable::describe(Vst::IEditController& controller) const {
    std::vector<ParamDescription> result;
    // A count that grew past the limit after creation is cut there: the client would refuse it whole.
    int32 count = std::min(controller.getParameterCount(), static_cast<int32>(kMaxParams));
    for (int32 index = 0; index < count; ++index) {
        Vst::ParameterInfo info{};
        if (controller.getParameterInfo(index, info) != kResultOk) {
            continue;
        }
        const Param* known = find(info.id);
        if (!known) {
            continue;
        }
        ParamDescription description = known->description;
        description.name = vst3::text(info.title);
        description.flags = param_flags(info);
        result.push_back(std::move(description));
    }
    return result;
}

} // namespace scuff::sbox
