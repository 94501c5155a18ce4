// Reading a sandbox's DeviceInfo in one native pass. Through the generated Python accessors a
// description took about 40 µs per parameter, and every device creation reads two or three:
// for a plugin with thousands of parameters that was a fraction of a second of the client's
// time, holding the GIL. What the values mean (ranges, limits) is still judged in Python.
#include <nanobind/nanobind.h>

#include "bindings.hpp"
#include "scuff/protocol/sandbox_message_generated.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace scuff::native {

namespace {

using protocol::DeviceInfo;

nb::object text(const flatbuffers::String* value) {
    if (value == nullptr) {
        return nb::none();
    }
    return nb::bytes(value->data(), value->size());
}

nb::list ports(const flatbuffers::Vector<flatbuffers::Offset<protocol::PortInfo>>* list) {
    nb::list result;
    if (list != nullptr) {
        for (const auto* port : *list) {
            result.append(nb::make_tuple(port->id(), text(port->name()), port->channels(), port->is_main()));
        }
    }
    return result;
}

nb::list params(const flatbuffers::Vector<flatbuffers::Offset<protocol::ParamInfo>>* list) {
    nb::list result;
    if (list != nullptr) {
        for (const auto* param : *list) {
            result.append(nb::make_tuple(param->id(), text(param->name()), text(param->module_()),
                                         param->min_value(), param->max_value(), param->default_value(),
                                         param->flags()));
        }
    }
    return result;
}

// The DeviceInfo a sandbox message carries: a reply's or a change's; null if none.
const DeviceInfo* device_info_of(const protocol::SandboxMessage* message) {
    if (const auto* response = message->body_as_Response()) {
        return response->reply_as_DeviceInfo();
    }
    if (const auto* changed = message->body_as_DeviceChanged()) {
        return changed->info();
    }
    return nullptr;
}

nb::object read_device_info(nb::bytes frame) {
    const auto* data = reinterpret_cast<const uint8_t*>(frame.c_str());
    flatbuffers::Verifier verifier(data, frame.size());
    if (!protocol::VerifySandboxMessageBuffer(verifier)) {
        throw nb::value_error("not a well-formed SandboxMessage");
    }
    const DeviceInfo* info = device_info_of(protocol::GetSandboxMessage(data));
    if (info == nullptr) {
        return nb::none();
    }
    return nb::make_tuple(info->device(), text(info->plugin_id()), text(info->name()), text(info->vendor()),
                          text(info->version()), ports(info->inputs()), ports(info->outputs()),
                          params(info->params()), info->latency(), info->note_inputs(), info->note_outputs(),
                          info->has_editor(), info->has_preset_load());
}

} // namespace

void bind_device_info(nb::module_& m) {
    m.def("read_device_info", &read_device_info, "frame"_a,
          "The DeviceInfo of a SandboxMessage frame (a reply's or a device change's) as a tuple: device,\n"
          "plugin_id, name, vendor, version, inputs and outputs as (id, name, channels, is_main),\n"
          "params as (id, name, module, min, max, default, flags), latency, note_inputs,\n"
          "note_outputs, has_editor, has_preset_load; texts as bytes or None. None when the\n"
          "message carries none; ValueError when the frame is malformed.");
}

} // namespace scuff::native
