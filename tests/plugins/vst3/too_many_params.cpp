#include "../dsp/refused.hpp"
#include "class_ids.hpp"
#include "classes.hpp"
#include "passthrough.hpp"

namespace scuff_vst3 {

namespace {

// A stereo copy whose controller declares one parameter more than a host may accept.
class TooManyParams : public Passthrough {
public:
    int32 PLUGIN_API getParameterCount() override { return static_cast<int32>(scuff_dsp::too_many_params); }
};

} // namespace

const ClassEntry too_many_params_class = {too_many_params_cid, kVstAudioEffectClass, "Test Too Many Params",
                                          "Fx|Stereo", &create<TooManyParams>};

} // namespace scuff_vst3
