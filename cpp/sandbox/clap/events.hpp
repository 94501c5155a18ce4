#pragma once
// The events of one CLAP process call, in and out, preallocated: parameter changes and
// note events merged in time order, each note event in the dialect its port prefers, and
// the events the plugin outputs taken apart again.
#include <span>
#include <vector>

#include "clap/events.h"
#include "clap/ext/note-ports.h"
#include "scuff/shared_layout.hpp"

namespace scuff::sbox {

// What a note input port takes, from the plugin's note-ports extension.
struct ClapNotePort {
    uint32_t supported = CLAP_NOTE_DIALECT_CLAP;
    uint32_t preferred = CLAP_NOTE_DIALECT_CLAP;
};

union ClapEvent {
    clap_event_header_t header;
    clap_event_param_value_t param;
    clap_event_note_t note;
    clap_event_midi_t midi;
};

class ClapEventList {
public:
    explicit ClapEventList(size_t capacity) : events_(capacity) {}

    // Audio or main thread: fills the list with `changes` and `events` merged by time
    // (changes first at equal times), notes converted for `ports`.
    void fill(std::span<const ParamChange> changes, std::span<const NoteEvent> events,
              std::span<const ClapNotePort> ports);
    // Appends parameter values (a staged state) after whatever the list holds.
    void append_params(std::span<const clap_event_param_value_t> values);
    void clear() { count_ = 0; }

    const clap_input_events_t* input() { return &input_; }

private:
    void add_note(const NoteEvent& event, const ClapNotePort& port);
    void add(const ClapEvent& event);

    static uint32_t size(const clap_input_events_t* list);
    static const clap_event_header_t* get(const clap_input_events_t* list, uint32_t index);

    std::vector<ClapEvent> events_;
    uint32_t count_ = 0;
    clap_input_events_t input_{this, size, get};
};

clap_event_param_value_t clap_param_event(uint32_t param_id, uint32_t frame, double value);
// A plugin's output note event as scuff's, or false for events that are not notes.
bool note_event_from_clap(const clap_event_header_t& header, NoteEvent& event);
// The CLAP transport event for a cycle's transport.
clap_event_transport_t clap_transport(const TransportState& transport);

} // namespace scuff::sbox
