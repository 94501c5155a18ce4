#include "passthrough.hpp"

#include "class_ids.hpp"
#include "classes.hpp"

namespace scuff_vst3 {

const ClassEntry passthrough_class = {passthrough_cid, kVstAudioEffectClass, "Test Passthrough", "Fx|Tools|Stereo",
                                      &create<Passthrough>};

} // namespace scuff_vst3
