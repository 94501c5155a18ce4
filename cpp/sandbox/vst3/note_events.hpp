#pragma once
// The note events of a VST3 process call, both ways. In: scuff's events of a block as the
// plugin's IEventList, where MIDI notes become notes and MIDI controllers, channel pressure
// and pitch bend become the parameter changes the controller's IMidiMapping assigns them.
// Out: the notes the plugin output, as scuff's events.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "pluginterfaces/vst/ivsteditcontroller.h"
#include "scuff/shared_layout.hpp"
#include "vst3/event_list.hpp"
#include "vst3/param_changes.hpp"
#include "vst3/param_sync.hpp"
#include "vst3/param_table.hpp"

namespace scuff::sbox {

class Vst3NoteEvents {
public:
    // Main thread: reads the IMidiMapping of `controller` (null: none) for `event_buses` input
    // buses, keeping the assignments to parameters of `params`.
    Vst3NoteEvents(Steinberg::Vst::IEditController* controller, uint32_t event_buses, const Vst3ParamTable& params);

    // Audio thread: `events` (in time order) into `list`; a MIDI controller message goes to
    // `sync` as a change in `changes` of the parameter it is mapped to, and is dropped when it
    // is mapped to none.
    void translate_inputs(std::span<const NoteEvent> events, Vst3EventList& list, Vst3ParamSync& sync,
                          Vst3ParamChanges& changes) const;

private:
    void add_controller_change(const NoteEvent& event, uint8_t channel, Steinberg::Vst::CtrlNumber controller,
                               double value, Vst3ParamSync& sync, Vst3ParamChanges& changes) const;

    // For each event bus, MIDI channel and controller (CC 0-127, aftertouch, pitch bend), the
    // parameter IMidiMapping assigns it, or kNoParam.
    static constexpr Steinberg::Vst::ParamID kNoParam = 0xFFFFFFFF;
    std::vector<Steinberg::Vst::ParamID> midi_map_;
};

// Audio thread: each note on and off in `list` (what the plugin output) as scuff's event,
// handed to `emit`.
template <class Emit>
void read_output_events(Vst3EventList& list, Emit&& emit) {
    using Steinberg::Vst::Event;
    auto velocity = [](float value) { return std::isfinite(value) ? std::clamp(value, 0.0f, 1.0f) : 0.0f; };
    Event event{};
    for (Steinberg::int32 i = 0, count = list.getEventCount(); i < count; ++i) {
        if (list.getEvent(i, event) != Steinberg::kResultOk || event.busIndex < 0 || event.sampleOffset < 0) {
            continue;
        }
        NoteEvent note{static_cast<uint32_t>(event.sampleOffset), static_cast<uint16_t>(event.busIndex),
                       NoteEventKind::NoteOn, 0, 0, 0, {}, -1, 0.0f};
        if (event.type == Event::kNoteOnEvent) {
            note.channel = static_cast<uint8_t>(event.noteOn.channel);
            note.key = event.noteOn.pitch;
            note.velocity = velocity(event.noteOn.velocity);
            note.note_id = event.noteOn.noteId;
        } else if (event.type == Event::kNoteOffEvent) {
            note.kind = NoteEventKind::NoteOff;
            note.channel = static_cast<uint8_t>(event.noteOff.channel);
            note.key = event.noteOff.pitch;
            note.velocity = velocity(event.noteOff.velocity);
            note.note_id = event.noteOff.noteId;
        } else {
            continue;
        }
        emit(note);
    }
}

} // namespace scuff::sbox
