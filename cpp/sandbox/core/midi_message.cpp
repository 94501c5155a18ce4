#include "core/midi_message.hpp"

namespace scuff::sbox {

namespace {

// A channel message's length with its status byte, or 0 for a system message.
uint8_t message_length(uint8_t status) {
    switch (status & 0xF0) {
    case 0xC0:
    case 0xD0: return 2;
    case 0x80:
    case 0x90:
    case 0xA0:
    case 0xB0:
    case 0xE0: return 3;
    default: return 0;
    }
}

} // namespace

MidiMessage decode_midi(const NoteEvent& event) {
    MidiMessage message;
    uint8_t status = event.midi[0];
    uint8_t length = message_length(status);
    if (length == 0 || event.midi_size < length) {
        return message;
    }
    message.channel = status & 0x0F;
    message.data1 = event.midi[1] & 0x7F;
    message.data2 = length == 3 ? event.midi[2] & 0x7F : 0;
    using Kind = MidiMessage::Kind;
    switch (status & 0xF0) {
    case 0x80: message.kind = Kind::NoteOff; break;
    case 0x90: message.kind = message.data2 > 0 ? Kind::NoteOn : Kind::NoteOff; break;
    case 0xA0: message.kind = Kind::PolyPressure; break;
    case 0xB0: message.kind = Kind::ControlChange; break;
    case 0xC0: message.kind = Kind::ProgramChange; break;
    case 0xD0: message.kind = Kind::ChannelPressure; break;
    case 0xE0: message.kind = Kind::PitchBend; break;
    }
    return message;
}

std::optional<NoteEvent> as_note_event(const NoteEvent& event) {
    if (event.kind != NoteEventKind::Midi) {
        return event;
    }
    MidiMessage message = decode_midi(event);
    if (message.kind != MidiMessage::Kind::NoteOn && message.kind != MidiMessage::Kind::NoteOff) {
        return std::nullopt;
    }
    NoteEventKind kind = message.kind == MidiMessage::Kind::NoteOn ? NoteEventKind::NoteOn : NoteEventKind::NoteOff;
    return NoteEvent{event.frame, event.port, kind, message.channel, message.data1, 0, {}, -1, message.velocity()};
}

} // namespace scuff::sbox
