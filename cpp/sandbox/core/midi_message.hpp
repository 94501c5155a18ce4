#pragma once
// The raw MIDI events of a device's rings taken apart, once for every format: which channel
// message each is, and the note a note on or off stands for.
#include <cstdint>
#include <optional>

#include "scuff/shared_layout.hpp"

namespace scuff::sbox {

struct MidiMessage {
    enum class Kind : uint8_t {
        NoteOff,
        // With velocity 0 a note on is a note off, and decodes as one.
        NoteOn,
        PolyPressure,
        ControlChange,
        ProgramChange,
        ChannelPressure,
        PitchBend,
        // A system message, or a channel message shorter than its kind needs.
        Other,
    };

    Kind kind = Kind::Other;
    uint8_t channel = 0;
    // The key, controller, program or pressure; 7 bits each.
    uint8_t data1 = 0;
    uint8_t data2 = 0;

    float velocity() const { return data2 / 127.0f; }
    // Pitch bend's 14 bits; 8192 is the centre.
    uint16_t bend() const { return static_cast<uint16_t>((data2 << 7) | data1); }
};

// `event` must be of kind Midi.
MidiMessage decode_midi(const NoteEvent& event);

// A note event as it is, a MIDI note on or off as the note event it stands for (note id -1),
// nothing for any other MIDI message.
std::optional<NoteEvent> as_note_event(const NoteEvent& event);

} // namespace scuff::sbox
