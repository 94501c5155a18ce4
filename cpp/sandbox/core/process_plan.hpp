#pragma once
// What the audio thread does each cycle: the devices in order and the connections
// between them. Built on the main thread from a SetPlan request, then handed to the
// audio thread, which switches plans between two cycles.
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/device.hpp"
#include "scuff/connection_feed.hpp"
#include "scuff/protocol/client_message_generated.h"

namespace scuff::sbox {

struct PlannedConnection {
    Device* source;
    uint32_t source_port;
    Device* target;
    uint32_t target_port;
    ConnectionFeed feed;
};

// Events from a note output to a note input of devices of this sandbox.
struct PlannedNoteConnection {
    Device* source;
    uint16_t source_port;
    Device* target;
    uint16_t target_port;
};

class ProcessPlan {
public:
    ProcessPlan() = default;
    // Main thread. Checks every device id, port and channel count; throws RequestError.
    ProcessPlan(const protocol::SetPlan& request, const std::function<Device&(uint32_t)>& find_device,
                uint32_t max_frames);

    const std::vector<Device*>& devices() const { return order_; }

    // Audio thread. Processes one cycle: first the delayed connections (the sources still
    // hold the previous cycle's `previous_frames`), then each device after its inputs.
    void run(uint32_t frames, uint32_t previous_frames, const CycleContext& context);
    // Audio thread. Forgets a device that is about to be destroyed, with its connections.
    void remove(Device* device);

private:
    void add_note_connection(const protocol::Connection& connection, size_t source, size_t target);

    std::vector<Device*> order_;
    std::vector<PlannedNoteConnection> delayed_notes_;
    std::vector<std::vector<PlannedNoteConnection>> incoming_notes_;
    std::vector<std::unique_ptr<PlannedConnection>> delayed_;
    // For each device of order_, the same-cycle connections that feed it.
    std::vector<std::vector<std::unique_ptr<PlannedConnection>>> incoming_;
};

} // namespace scuff::sbox
