#include "clap/events.hpp"

#include <algorithm>
#include <cmath>

#include "clap/fixedpoint.h"
#include "core/bar_position.hpp"
#include "core/midi_message.hpp"

namespace scuff::sbox {

namespace {

clap_event_header_t header(uint32_t size, uint32_t frame, uint16_t type) {
    return {size, frame, CLAP_CORE_EVENT_SPACE_ID, type, 0};
}

uint8_t midi_velocity(float velocity) {
    return static_cast<uint8_t>(std::clamp(std::lround(velocity * 127.0f), 0L, 127L));
}

} // namespace

clap_event_param_value_t clap_param_event(uint32_t param_id, uint32_t frame, double value) {
    clap_event_param_value_t event{};
    event.header = header(sizeof event, frame, CLAP_EVENT_PARAM_VALUE);
    event.param_id = param_id;
    event.note_id = -1;
    event.port_index = -1;
    event.channel = -1;
    event.key = -1;
    event.value = value;
    return event;
}

void ClapEventList::add(const ClapEvent& event) {
    if (count_ < events_.size()) {
        events_[count_++] = event;
    }
}

void ClapEventList::add_note(const NoteEvent& event, const ClapNotePort& port) {
    ClapEvent out{};
    bool wants_midi = port.preferred == CLAP_NOTE_DIALECT_MIDI || !(port.supported & CLAP_NOTE_DIALECT_CLAP);
    if (event.kind == NoteEventKind::Midi) {
        if (!(port.supported & CLAP_NOTE_DIALECT_MIDI)) {
            // A port that speaks only CLAP notes still gets MIDI note messages, as notes.
            if (auto note = as_note_event(event); note && !wants_midi) {
                add_note(*note, port);
            }
            return;
        }
        out.midi.header = header(sizeof(clap_event_midi_t), event.frame, CLAP_EVENT_MIDI);
        out.midi.port_index = event.port;
        for (int i = 0; i < 3; ++i) {
            out.midi.data[i] = i < event.midi_size ? event.midi[i] : 0;
        }
        add(out);
        return;
    }
    if (wants_midi && (port.supported & CLAP_NOTE_DIALECT_MIDI)) {
        // A choke has no MIDI message of its own: the nearest is the note's end.
        bool on = event.kind == NoteEventKind::NoteOn;
        out.midi.header = header(sizeof(clap_event_midi_t), event.frame, CLAP_EVENT_MIDI);
        out.midi.port_index = event.port;
        out.midi.data[0] = static_cast<uint8_t>((on ? 0x90 : 0x80) | event.channel);
        out.midi.data[1] = static_cast<uint8_t>(event.key);
        out.midi.data[2] = on ? std::max<uint8_t>(midi_velocity(event.velocity), 1) : midi_velocity(event.velocity);
        add(out);
        return;
    }
    uint16_t type = event.kind == NoteEventKind::NoteOn    ? CLAP_EVENT_NOTE_ON
                    : event.kind == NoteEventKind::NoteOff ? CLAP_EVENT_NOTE_OFF
                                                           : CLAP_EVENT_NOTE_CHOKE;
    out.note.header = header(sizeof(clap_event_note_t), event.frame, type);
    out.note.note_id = event.note_id;
    out.note.port_index = static_cast<int16_t>(event.port);
    out.note.channel = event.channel;
    out.note.key = event.key;
    out.note.velocity = event.velocity;
    add(out);
}

void ClapEventList::fill(std::span<const ParamChange> changes, std::span<const NoteEvent> events,
                         std::span<const ClapNotePort> ports) {
    count_ = 0;
    size_t change = 0, note = 0;
    while (change < changes.size() || note < events.size()) {
        if (note == events.size() || (change < changes.size() && changes[change].frame <= events[note].frame)) {
            ClapEvent out{};
            out.param = clap_param_event(changes[change].param_id, changes[change].frame, changes[change].value);
            add(out);
            ++change;
        } else {
            const auto& event = events[note++];
            if (event.port < ports.size()) {
                add_note(event, ports[event.port]);
            }
        }
    }
}

void ClapEventList::append_params(std::span<const clap_event_param_value_t> values) {
    for (const auto& value : values) {
        ClapEvent out{};
        out.param = value;
        add(out);
    }
}

uint32_t ClapEventList::size(const clap_input_events_t* list) {
    return static_cast<const ClapEventList*>(list->ctx)->count_;
}

const clap_event_header_t* ClapEventList::get(const clap_input_events_t* list, uint32_t index) {
    const auto* self = static_cast<const ClapEventList*>(list->ctx);
    return index < self->count_ ? &self->events_[index].header : nullptr;
}

bool note_event_from_clap(const clap_event_header_t& header, NoteEvent& event) {
    if (header.space_id != CLAP_CORE_EVENT_SPACE_ID) {
        return false;
    }
    event = NoteEvent{};
    event.frame = header.time;
    event.note_id = -1;
    switch (header.type) {
    case CLAP_EVENT_NOTE_ON:
    case CLAP_EVENT_NOTE_OFF:
    case CLAP_EVENT_NOTE_CHOKE: {
        if (header.size < sizeof(clap_event_note_t)) return false;
        const auto& note = reinterpret_cast<const clap_event_note_t&>(header);
        event.kind = header.type == CLAP_EVENT_NOTE_ON    ? NoteEventKind::NoteOn
                     : header.type == CLAP_EVENT_NOTE_OFF ? NoteEventKind::NoteOff
                                                          : NoteEventKind::Choke;
        if (note.port_index < 0 || note.channel < 0 || note.key < 0) return false;  // wildcards stay inside
        event.port = static_cast<uint16_t>(note.port_index);
        event.channel = static_cast<uint8_t>(std::min<int16_t>(note.channel, 255));
        event.key = note.key;
        event.note_id = note.note_id;
        event.velocity = static_cast<float>(std::clamp(std::isfinite(note.velocity) ? note.velocity : 0.0, 0.0, 1.0));
        return true;
    }
    case CLAP_EVENT_MIDI: {
        if (header.size < sizeof(clap_event_midi_t)) return false;
        const auto& midi = reinterpret_cast<const clap_event_midi_t&>(header);
        event.kind = NoteEventKind::Midi;
        event.port = midi.port_index;
        event.channel = midi.data[0] & 0x0F;
        event.midi_size = 3;
        for (int i = 0; i < 3; ++i) event.midi[i] = midi.data[i];
        return true;
    }
    default:
        return false;
    }
}

clap_event_transport_t clap_transport(const TransportState& transport) {
    clap_event_transport_t event{};
    event.header = header(sizeof event, 0, CLAP_EVENT_TRANSPORT);
    event.flags = CLAP_TRANSPORT_HAS_TEMPO | CLAP_TRANSPORT_HAS_BEATS_TIMELINE | CLAP_TRANSPORT_HAS_SECONDS_TIMELINE |
                  CLAP_TRANSPORT_HAS_TIME_SIGNATURE;
    if (transport.flags & TransportState::kPlaying) event.flags |= CLAP_TRANSPORT_IS_PLAYING;
    if (transport.flags & TransportState::kLoopActive) event.flags |= CLAP_TRANSPORT_IS_LOOP_ACTIVE;
    auto beats = [](double value) { return static_cast<clap_beattime>(std::llround(value * CLAP_BEATTIME_FACTOR)); };
    auto seconds = [](double value) { return static_cast<clap_sectime>(std::llround(value * CLAP_SECTIME_FACTOR)); };
    event.song_pos_beats = beats(transport.position_beats);
    event.song_pos_seconds = seconds(transport.position_seconds);
    event.tempo = transport.tempo;
    event.loop_start_beats = beats(transport.loop_start_beats);
    event.loop_end_beats = beats(transport.loop_end_beats);
    event.loop_start_seconds = seconds(transport.loop_start_beats * 60.0 / transport.tempo);
    event.loop_end_seconds = seconds(transport.loop_end_beats * 60.0 / transport.tempo);
    event.tsig_num = transport.time_signature_numerator;
    event.tsig_denom = transport.time_signature_denominator;
    auto bar = bar_position(transport);
    event.bar_number = static_cast<int32_t>(std::clamp(bar.number, -1e9, 1e9));
    event.bar_start = beats(bar.start_beats);
    return event;
}

} // namespace scuff::sbox
