#include "gain.hpp"

#include "class_ids.hpp"
#include "classes.hpp"

#include "pluginterfaces/vst/ivstaudioprocessor.h"

namespace scuff_vst3 {

const ClassEntry gain_class = {gain_cid, kVstAudioEffectClass, "Test Gain", "Fx|Tools|Stereo", &create<Gain>};

} // namespace scuff_vst3
