#include "vst3/note_events.hpp"

#include "core/midi_message.hpp"
#include "pluginterfaces/vst/ivstmidicontrollers.h"
#include "scuff/vst3_com.hpp"

namespace scuff::sbox {

using namespace Steinberg;

namespace {

constexpr size_t kChannels = 16;

size_t map_index(uint32_t bus, uint8_t channel, Vst::CtrlNumber controller) {
    return (bus * kChannels + channel) * Vst::kCountCtrlNumber + controller;
}

} // namespace

Vst3NoteEvents::Vst3NoteEvents(Vst::IEditController* controller, uint32_t event_buses, const Vst3ParamTable& params)
    : midi_map_(event_buses * kChannels * Vst::kCountCtrlNumber, kNoParam) {
    auto midi_mapping = vst3::query<Vst::IMidiMapping>(controller, Vst::IMidiMapping_iid);
    if (!midi_mapping) {
        return;
    }
    for (uint32_t bus = 0; bus < event_buses; ++bus) {
        for (uint8_t channel = 0; channel < kChannels; ++channel) {
            for (int16 number = 0; number < Vst::kCountCtrlNumber; ++number) {
                Vst::ParamID param_id = kNoParam;
                if (midi_mapping->getMidiControllerAssignment(static_cast<int32>(bus), channel, number, param_id) ==
                        kResultOk &&
                    params.contains(param_id)) {
                    midi_map_[map_index(bus, channel, number)] = param_id;
                }
            }
        }
    }
}

void Vst3NoteEvents::add_controller_change(const NoteEvent& event, uint8_t channel, Vst::CtrlNumber controller,
                                           double value, Vst3ParamSync& sync, Vst3ParamChanges& changes) const {
    Vst::ParamID param_id = midi_map_[map_index(event.port, channel, controller)];
    if (param_id != kNoParam) {
        sync.add_plugin_change(param_id, static_cast<int32>(event.frame), value, changes);
    }
}

void Vst3NoteEvents::translate_inputs(std::span<const NoteEvent> events, Vst3EventList& list, Vst3ParamSync& sync,
                                      Vst3ParamChanges& changes) const {
    list.clear();
    for (const auto& event : events) {
        Vst::Event out{};
        out.busIndex = event.port;
        out.sampleOffset = static_cast<int32>(event.frame);
        out.flags = Vst::Event::kIsLive;
        if (event.kind == NoteEventKind::Midi) {
            MidiMessage message = decode_midi(event);
            switch (message.kind) {
            case MidiMessage::Kind::NoteOn:
            case MidiMessage::Kind::NoteOff:
                break;
            case MidiMessage::Kind::PolyPressure:
                out.type = Vst::Event::kPolyPressureEvent;
                out.polyPressure = {message.channel, message.data1, message.velocity(), -1};
                list.addEvent(out);
                continue;
            case MidiMessage::Kind::ControlChange:
                add_controller_change(event, message.channel, message.data1, message.data2 / 127.0, sync, changes);
                continue;
            case MidiMessage::Kind::ChannelPressure:
                add_controller_change(event, message.channel, Vst::kAfterTouch, message.data1 / 127.0, sync, changes);
                continue;
            case MidiMessage::Kind::PitchBend:
                // Over 16384, so that the centre, 8192, is exactly 0.5: no bend.
                add_controller_change(event, message.channel, Vst::kPitchBend, message.bend() / 16384.0, sync,
                                      changes);
                continue;
            default:
                continue;  // System messages and program changes have no VST3 event.
            }
        }
        auto note = as_note_event(event);
        if (note->kind == NoteEventKind::NoteOn) {
            out.type = Vst::Event::kNoteOnEvent;
            out.noteOn = {note->channel, note->key, 0.0f, note->velocity, 0, note->note_id};
        } else {
            // A choke is the nearest VST3 has: the note's end.
            out.type = Vst::Event::kNoteOffEvent;
            out.noteOff = {note->channel, note->key, note->velocity, note->note_id, 0.0f};
        }
        list.addEvent(out);
    }
}

} // namespace scuff::sbox
