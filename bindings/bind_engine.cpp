// Engine: one group's block loop, and the runs that release the GIL around it.
#include <chrono>
#include <cstring>
#include <new>
#include <stdexcept>

#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include "bindings.hpp"
#include "engine.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace scuff::native {

namespace {

using InputArray = nb::ndarray<const float, nb::ndim<2>, nb::c_contig, nb::device::cpu>;
using OutputArray = nb::ndarray<float, nb::ndim<2>, nb::c_contig, nb::device::cpu>;
using InputSpec = std::tuple<std::shared_ptr<DeviceMemory>, uint32_t, InputArray>;
using OutputSpec = std::tuple<std::shared_ptr<DeviceMemory>, uint32_t, OutputArray>;
// A device's events for a run: ScheduledEvent records, as the bytes of a numpy array.
using EventArray = nb::ndarray<const uint8_t, nb::ndim<1>, nb::c_contig, nb::device::cpu>;
using EventSpec = std::tuple<std::shared_ptr<DeviceMemory>, EventArray>;
using EventBytes = nb::ndarray<nb::numpy, uint8_t, nb::ndim<1>>;

using RouteTuple = std::tuple<std::shared_ptr<DeviceMemory>, uint32_t, std::shared_ptr<DeviceMemory>, uint32_t,
                              uint32_t, bool>;
// tempo, beats, seconds, playing, loop active, loop start, loop end, numerator, denominator
using TransportTuple = std::tuple<double, double, double, bool, bool, double, double, uint16_t, uint16_t>;

// The arrays of a run as the engine takes them, checked against their ports.
struct HostIo {
    std::vector<HostInput> inputs;
    std::vector<HostOutput> outputs;
    std::vector<HostEvents> events;
};

HostIo host_io(const std::vector<InputSpec>& inputs, const std::vector<OutputSpec>& outputs,
               const std::vector<EventSpec>& events, size_t frames) {
    HostIo io;
    for (const auto& [device, port, array] : inputs) {
        check_port(*device, port, true, array.shape(0));
        if (array.shape(1) < frames) {
            throw nb::value_error("an input array is shorter than the frames to process");
        }
        io.inputs.push_back({device.get(), port, array.data(), array.shape(1)});
    }
    for (const auto& [device, port, array] : outputs) {
        check_port(*device, port, false, array.shape(0));
        if (array.shape(1) < frames) {
            throw nb::value_error("an output array is shorter than the frames to process");
        }
        io.outputs.push_back({device.get(), port, array.data(), array.shape(1)});
    }
    for (const auto& [device, array] : events) {
        if (array.shape(0) % sizeof(ScheduledEvent) != 0) {
            throw nb::value_error("event records must be whole ScheduledEvent records");
        }
        const auto* records = reinterpret_cast<const ScheduledEvent*>(array.data());
        io.events.push_back({device.get(), {records, array.shape(0) / sizeof(ScheduledEvent)}});
    }
    return io;
}

uint64_t run_engine(Engine& engine, const std::vector<InputSpec>& inputs,
                    const std::vector<OutputSpec>& outputs, const std::vector<EventSpec>& events, size_t frames) {
    HostIo io = host_io(inputs, outputs, events, frames);
    nb::gil_scoped_release release;
    return engine.run(io.inputs, io.outputs, io.events, frames);
}

uint64_t run_engine_chunked(Engine& engine, const std::vector<InputSpec>& inputs,
                            const std::vector<OutputSpec>& outputs, const std::vector<EventSpec>& events,
                            size_t frames, const std::vector<std::shared_ptr<ChunkMemory>>& chunks,
                            uint32_t max_chunk_blocks) {
    HostIo io = host_io(inputs, outputs, events, frames);
    // nanobind raises ValueError for the std::invalid_argument of a device missing from its chunk.
    nb::gil_scoped_release release;
    return engine.run_chunked(io.inputs, io.outputs, io.events, frames, chunks, max_chunk_blocks);
}

} // namespace

void bind_engine(nb::module_& m) {
    using Members = std::vector<std::tuple<std::shared_ptr<DeviceMemory>, bool, bool>>;
    auto members_of = [](const Members& members) {
        std::vector<ChunkMemory::Member> result;
        for (const auto& [device, note_inputs, note_outputs] : members) {
            result.push_back({device, note_inputs, note_outputs});
        }
        return result;
    };
    nb::class_<ChunkMemory>(m, "ChunkMemory",
                            "One sandbox's chunk segment: the inputs, events and outputs of several blocks "
                            "of its devices, for chunked renders.")
        .def(
            "__init__",
            [members_of](ChunkMemory* self, std::shared_ptr<SandboxSignals> sandbox, const Members& members,
                         uint32_t blocks, uint32_t max_frames) {
                try {
                    new (self) ChunkMemory(std::move(sandbox), members_of(members), blocks, max_frames);
                } catch (const std::invalid_argument& error) {
                    throw nb::value_error(error.what());
                }
            },
            "sandbox"_a, "members"_a, "blocks"_a, "max_frames"_a,
            "members: (device memory, room for note input events, room for note output events), in the "
            "order the sandbox is told.")
        .def_static(
            "bytes_per_block",
            [members_of](const Members& members, uint32_t max_frames) {
                return ChunkMemory::bytes_per_block(members_of(members), max_frames);
            },
            "members"_a, "max_frames"_a, "What one block costs in a segment of these members.")
        .def_prop_ro("fd", &ChunkMemory::fd)
        .def_prop_ro("size", &ChunkMemory::size)
        .def_prop_ro("blocks", &ChunkMemory::blocks);

    nb::class_<Engine>(m, "Engine", "The block loop of one group.")
        .def(nb::init<uint32_t, double>(), "max_frames"_a, "sample_rate"_a)
        .def_prop_ro("max_frames", &Engine::max_frames)
        .def_prop_rw("cycle_timeout",
                     [](Engine& self) { return std::chrono::duration<double>(self.cycle_timeout).count(); },
                     [](Engine& self, double seconds) {
                         self.cycle_timeout = std::chrono::duration_cast<std::chrono::nanoseconds>(
                             std::chrono::duration<double>(seconds));
                     })
        .def_prop_rw("client_spin_ns",
                     [](Engine& self) { return self.client_spin.count(); },
                     [](Engine& self, int64_t ns) { self.client_spin = std::chrono::nanoseconds(ns); })
        .def_prop_rw("sandbox_spin_ns",
                     [](Engine& self) { return self.sandbox_spin.count(); },
                     [](Engine& self, int64_t ns) { self.sandbox_spin = std::chrono::nanoseconds(ns); })
        .def("add_sandbox", &Engine::add_sandbox, "sandbox"_a)
        .def(
            "set_routes",
            [](Engine& self, const std::vector<RouteTuple>& routes) {
                std::vector<RouteSpec> specs;
                for (const auto& [source, source_port, target, target_port, delay, notes] : routes) {
                    specs.push_back({source, source_port, target, target_port, delay, notes});
                }
                self.set_routes(specs);
            },
            "routes"_a,
            "Connections between sandboxes as (source memory, output port, target memory, input port, "
            "delay frames, between note ports); the next cycle uses them.")
        .def("transport",
             [](Engine& self) {
                 auto t = self.transport();
                 return TransportTuple{t.tempo, t.position_beats, t.position_seconds,
                                       (t.flags & TransportState::kPlaying) != 0,
                                       (t.flags & TransportState::kLoopActive) != 0, t.loop_start_beats,
                                       t.loop_end_beats, t.time_signature_numerator, t.time_signature_denominator};
             })
        .def("set_transport",
             [](Engine& self, const TransportTuple& value) {
                 const auto& [tempo, beats, seconds, playing, loop, loop_start, loop_end, numerator, denominator] =
                     value;
                 TransportState t;
                 t.tempo = tempo;
                 t.position_beats = beats;
                 t.position_seconds = seconds;
                 t.flags = (playing ? TransportState::kPlaying : 0) | (loop ? TransportState::kLoopActive : 0);
                 t.loop_start_beats = loop_start;
                 t.loop_end_beats = loop_end;
                 t.time_signature_numerator = numerator;
                 t.time_signature_denominator = denominator;
                 self.set_transport(t);
             },
             "transport"_a)
        .def("panic", &Engine::panic, "Every device stops the notes it was sent, at the next cycle.")
        .def("output_events",
             [](Engine& self, const std::shared_ptr<DeviceMemory>& device) {
                 auto events = self.output_events(*device);
                 size_t size = events.size() * sizeof(ScheduledEvent);
                 auto* bytes = new uint8_t[size];
                 if (size > 0) {
                     // With no events, data() may be null, which memcpy must not be given.
                     std::memcpy(bytes, events.data(), size);
                 }
                 nb::capsule owner(bytes, [](void* p) noexcept { delete[] static_cast<uint8_t*>(p); });
                 return EventBytes(bytes, {size}, owner);
             },
             "device"_a, "What the device output during the last run, as ScheduledEvent records.")
        .def("remove_sandbox", &Engine::remove_sandbox, "sandbox"_a)
        .def("add_device", &Engine::add_device, "device"_a)
        .def("remove_device", &Engine::remove_device, "device"_a)
        .def("run", &run_engine, "inputs"_a, "outputs"_a, "events"_a, "frames"_a,
             "Processes `frames` frames: inputs are (device, port, array) to add into input ports,"
             " outputs (device, port, array) to fill from output ports, events (device, record bytes)"
             " sorted by frame. Releases the GIL; returns how many events found no room.")
        .def("run_chunked", &run_engine_chunked, "inputs"_a, "outputs"_a, "events"_a, "frames"_a, "chunks"_a,
             "max_chunk_blocks"_a,
             "run() with many blocks per hand-off to each sandbox holding one of `chunks` (ChunkMemory), at "
             "most `max_chunk_blocks` per chunk; the output is run()'s to the bit.")
        .def("time_cycles",
             [](Engine& self, size_t count, uint32_t frames) {
                 nb::gil_scoped_release release;
                 return self.time_cycles(count, frames);
             },
             "count"_a, "frames"_a);
}

} // namespace scuff::native
