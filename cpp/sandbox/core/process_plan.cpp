#include "core/process_plan.hpp"

#include <algorithm>
#include <string>

#include "core/request_error.hpp"

namespace scuff::sbox {

using protocol::ErrorCode;

namespace {

uint32_t port_channels(const std::vector<PortDescription>& ports, uint32_t port, uint32_t device, const char* kind) {
    if (port >= ports.size()) {
        throw RequestError(ErrorCode::BadRequest, "device " + std::to_string(device) + " has no " + kind +
                                                      " port " + std::to_string(port));
    }
    return ports[port].channels;
}

} // namespace

ProcessPlan::ProcessPlan(const protocol::SetPlan& request, const std::function<Device&(uint32_t)>& find_device,
                         uint32_t max_frames) {
    if (request.devices()) {
        for (uint32_t device_id : *request.devices()) {
            // An inactive device (its activation failed) stays in the plan and gives silence.
            Device* planned = &find_device(device_id);
            if (std::find(order_.begin(), order_.end(), planned) != order_.end()) {
                throw RequestError(ErrorCode::BadRequest,
                                   "device " + std::to_string(device_id) + " appears twice in the plan");
            }
            order_.push_back(planned);
        }
    }
    incoming_.resize(order_.size());
    incoming_notes_.resize(order_.size());
    if (!request.connections()) {
        return;
    }
    auto position = [&](uint32_t device_id) {
        auto found = std::find(order_.begin(), order_.end(), &find_device(device_id));
        if (found == order_.end()) {
            throw RequestError(ErrorCode::BadRequest,
                               "device " + std::to_string(device_id) + " is connected but not in the plan");
        }
        return static_cast<size_t>(found - order_.begin());
    };
    for (const auto* connection : *request.connections()) {
        size_t source = position(connection->source_device());
        size_t target = position(connection->target_device());
        if (!connection->delayed() && source >= target) {
            throw RequestError(ErrorCode::BadRequest,
                               "a connection from device " + std::to_string(connection->source_device()) +
                                   " to device " + std::to_string(connection->target_device()) +
                                   " runs against the plan's order and is not delayed");
        }
        if (connection->notes()) {
            add_note_connection(*connection, source, target);
            continue;
        }
        uint32_t source_channels = port_channels(order_[source]->outputs(), connection->source_port(),
                                                 connection->source_device(), "output");
        uint32_t target_channels = port_channels(order_[target]->inputs(), connection->target_port(),
                                                 connection->target_device(), "input");
        if (!channels_connectable(source_channels, target_channels)) {
            throw RequestError(ErrorCode::BadRequest, "an output of " + std::to_string(source_channels) +
                                                          " channel(s) cannot feed an input of " +
                                                          std::to_string(target_channels));
        }
        auto planned = std::make_unique<PlannedConnection>(PlannedConnection{
            order_[source], connection->source_port(), order_[target], connection->target_port(),
            ConnectionFeed(source_channels, target_channels, connection->delay(), max_frames)});
        if (connection->delayed()) {
            delayed_.push_back(std::move(planned));
        } else {
            incoming_[target].push_back(std::move(planned));
        }
    }
}

void ProcessPlan::add_note_connection(const protocol::Connection& connection, size_t source, size_t target) {
    if (connection.source_port() >= order_[source]->note_outputs() ||
        connection.target_port() >= order_[target]->note_inputs()) {
        throw RequestError(ErrorCode::BadRequest, "a note connection names a note port device " +
                                                      std::to_string(connection.source_device()) + " or " +
                                                      std::to_string(connection.target_device()) + " does not have");
    }
    PlannedNoteConnection planned{order_[source], static_cast<uint16_t>(connection.source_port()), order_[target],
                                  static_cast<uint16_t>(connection.target_port())};
    if (connection.delayed()) {
        delayed_notes_.push_back(planned);
    } else {
        incoming_notes_[target].push_back(planned);
    }
}

void ProcessPlan::run(uint32_t frames, uint32_t previous_frames, const CycleContext& context) {
    // Delayed connections carry what their sources output in the previous cycle, which
    // their planes and event lists still hold before anything runs.
    for (auto& connection : delayed_) {
        connection->feed.feed(connection->source->output_planes(connection->source_port), previous_frames,
                              connection->target->input_planes(connection->target_port), frames);
    }
    for (auto& connection : delayed_notes_) {
        connection.target->receive_events(connection.source->output_events(), connection.source_port,
                                          connection.target_port);
    }
    for (size_t index = 0; index < order_.size(); ++index) {
        for (auto& connection : incoming_[index]) {
            connection->feed.feed(connection->source->output_planes(connection->source_port), frames,
                                  connection->target->input_planes(connection->target_port), frames);
        }
        for (auto& connection : incoming_notes_[index]) {
            connection.target->receive_events(connection.source->output_events(), connection.source_port,
                                              connection.target_port);
        }
        order_[index]->process(frames, context);
    }
}

void ProcessPlan::remove(Device* device) {
    auto involves = [device](const std::unique_ptr<PlannedConnection>& connection) {
        return connection->source == device || connection->target == device;
    };
    auto involves_notes = [device](const PlannedNoteConnection& connection) {
        return connection.source == device || connection.target == device;
    };
    std::erase_if(delayed_, involves);
    std::erase_if(delayed_notes_, involves_notes);
    for (auto& incoming : incoming_) {
        std::erase_if(incoming, involves);
    }
    for (auto& incoming : incoming_notes_) {
        std::erase_if(incoming, involves_notes);
    }
    auto found = std::find(order_.begin(), order_.end(), device);
    if (found != order_.end()) {
        incoming_.erase(incoming_.begin() + (found - order_.begin()));
        incoming_notes_.erase(incoming_notes_.begin() + (found - order_.begin()));
        order_.erase(found);
    }
}

} // namespace scuff::sbox
