#include "../dsp/process_faults.hpp"
#include "class_ids.hpp"
#include "classes.hpp"
#include "passthrough.hpp"

namespace scuff_vst3 {

namespace {

// Grows the host's resident memory by 1 MiB per process call, as the CLAP leak does.
class Leak : public Passthrough {
protected:
    void process_block(ProcessData& data) override {
        scuff_dsp::leak_one_block();
        Passthrough::process_block(data);
    }
};

} // namespace

const ClassEntry leak_class = {leak_cid, kVstAudioEffectClass, "Test Leak", "Fx|Tools|Stereo", &create<Leak>};

} // namespace scuff_vst3
