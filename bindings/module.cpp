// The scuff._native module: what the Python client cannot do fast or safely itself.
#include <cstring>

#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include "device_memory.hpp"
#include "engine.hpp"
#ifdef SCUFF_HAVE_JACK
#include "jack_host.hpp"
#endif
#include "message_verifier.hpp"
#include "ping_pong_benchmark.hpp"
#include "sandbox_signals.hpp"
#include "scuff/param_limit.hpp"

namespace nb = nanobind;
using namespace nb::literals;
using namespace scuff::native;
using scuff::TransportState;

namespace {

using InputArray = nb::ndarray<const float, nb::ndim<2>, nb::c_contig, nb::device::cpu>;
using OutputArray = nb::ndarray<float, nb::ndim<2>, nb::c_contig, nb::device::cpu>;
using PlaneView = nb::ndarray<nb::numpy, float, nb::ndim<2>>;
using InputSpec = std::tuple<std::shared_ptr<DeviceMemory>, uint32_t, InputArray>;
// A device's events for a run: ScheduledEvent records, as the bytes of a numpy array.
using EventArray = nb::ndarray<const uint8_t, nb::ndim<1>, nb::c_contig, nb::device::cpu>;
using EventSpec = std::tuple<std::shared_ptr<DeviceMemory>, EventArray>;
using EventBytes = nb::ndarray<nb::numpy, uint8_t, nb::ndim<1>>;
using OutputSpec = std::tuple<std::shared_ptr<DeviceMemory>, uint32_t, OutputArray>;

std::pair<const uint8_t*, size_t> bytes_of(const nb::bytes& data) {
    return {reinterpret_cast<const uint8_t*>(data.c_str()), data.size()};
}

void check_port(const DeviceMemory& device, uint32_t port, bool is_input, size_t channels) {
    const auto& layout = device.layout();
    size_t count = is_input ? layout.input_count() : layout.output_count();
    if (port >= count) {
        throw nb::index_error("no such audio port");
    }
    size_t expected = is_input ? layout.input_channels(port) : layout.output_channels(port);
    if (channels != expected) {
        throw nb::value_error("array channel count does not match the port");
    }
}

using RouteTuple = std::tuple<std::shared_ptr<DeviceMemory>, uint32_t, std::shared_ptr<DeviceMemory>, uint32_t,
                              uint32_t, bool>;
// tempo, beats, seconds, playing, loop active, loop start, loop end, numerator, denominator
using TransportTuple = std::tuple<double, double, double, bool, bool, double, double, uint16_t, uint16_t>;

uint64_t run_engine(Engine& engine, const std::vector<InputSpec>& inputs,
                    const std::vector<OutputSpec>& outputs, const std::vector<EventSpec>& events, size_t frames) {
    std::vector<HostInput> host_inputs;
    for (const auto& [device, port, array] : inputs) {
        check_port(*device, port, true, array.shape(0));
        if (array.shape(1) < frames) {
            throw nb::value_error("an input array is shorter than the frames to process");
        }
        host_inputs.push_back({device.get(), port, array.data(), array.shape(1)});
    }
    std::vector<HostOutput> host_outputs;
    for (const auto& [device, port, array] : outputs) {
        check_port(*device, port, false, array.shape(0));
        if (array.shape(1) < frames) {
            throw nb::value_error("an output array is shorter than the frames to process");
        }
        host_outputs.push_back({device.get(), port, array.data(), array.shape(1)});
    }
    std::vector<HostEvents> host_events;
    for (const auto& [device, array] : events) {
        if (array.shape(0) % sizeof(ScheduledEvent) != 0) {
            throw nb::value_error("event records must be whole ScheduledEvent records");
        }
        const auto* records = reinterpret_cast<const ScheduledEvent*>(array.data());
        host_events.push_back({device.get(), {records, array.shape(0) / sizeof(ScheduledEvent)}});
    }
    nb::gil_scoped_release release;
    return engine.run(host_inputs, host_outputs, host_events, frames);
}

PlaneView plane_view(DeviceMemory& device, uint32_t port, bool is_input) {
    const auto& layout = device.layout();
    size_t count = is_input ? layout.input_count() : layout.output_count();
    if (port >= count) {
        throw nb::index_error("no such audio port");
    }
    size_t channels = is_input ? layout.input_channels(port) : layout.output_channels(port);
    float* first = channels == 0 ? nullptr
                   : is_input    ? device.input_plane(port, 0)
                                 : device.output_plane(port, 0);
    size_t shape[2] = {channels, layout.max_frames()};
    int64_t strides[2] = {static_cast<int64_t>(layout.plane_stride()), 1};
    return PlaneView(first, 2, shape, nb::handle(), strides);
}

} // namespace

NB_MODULE(_native, m) {
    m.doc() = "scuff's native real-time path: shared memory, audio cycles, message verification.";
    // Groups and devices kept in a program's globals live until the interpreter ends;
    // that is no leak worth a warning on every exit.
    nb::set_leak_warnings(false);
    m.attr("MAX_PARAMS") = scuff::kMaxParams;

    m.def("verify_sandbox_message", [](nb::bytes data) {
        auto [bytes, size] = bytes_of(data);
        return verify_sandbox_message(bytes, size);
    }, "data"_a, "True if `data` is a well-formed SandboxMessage FlatBuffer.");
    m.def("verify_scan_report", [](nb::bytes data) {
        auto [bytes, size] = bytes_of(data);
        return verify_scan_report(bytes, size);
    }, "data"_a, "True if `data` is a well-formed ScanReport FlatBuffer.");

    nb::class_<SandboxSignals>(m, "SandboxSignals", "The shared audio handshake of one sandbox.")
        .def(nb::new_([] { return std::make_shared<SandboxSignals>(); }))
        .def_prop_ro("fd", &SandboxSignals::fd)
        .def_prop_rw("alive",
                     [](SandboxSignals& self) { return self.alive.load(); },
                     [](SandboxSignals& self, bool alive) {
                         self.alive = alive;
                         // A cycle may be asleep waiting for this sandbox: it must stop waiting.
                         scuff::os::notify(self.control().to_client);
                     })
        .def_prop_ro("late", [](SandboxSignals& self) { return self.is_late.load(std::memory_order_relaxed); },
                     "Missed the deadline of its last cycle and has not caught up yet.")
        .def_prop_ro("consecutive_missed",
                     [](SandboxSignals& self) { return self.consecutive_missed.load(std::memory_order_relaxed); },
                     "Cycles missed in a row.")
        .def(
            "revive",
            [](SandboxSignals& self) {
                // Reset here too, so the watchdog never reads the old process's misses.
                self.consecutive_missed = 0;
                self.is_late = false;
                self.revived = true;
                self.alive = true;
            },
            "A restarted process took over: it is alive, and on time.")
        .def_prop_ro("missed_cycles", [](SandboxSignals& self) { return self.missed_cycles; })
        .def_prop_ro("last_cycle_ns", [](SandboxSignals& self) {
            return self.control().last_cycle_ns.load(std::memory_order_relaxed);
        });

    nb::class_<DeviceMemory>(m, "DeviceMemory", "The shared memory of one device.")
        .def(nb::new_([](std::shared_ptr<SandboxSignals> sandbox, std::vector<uint32_t> inputs,
                         std::vector<uint32_t> outputs, uint32_t max_frames) {
                 return std::make_shared<DeviceMemory>(std::move(sandbox), inputs, outputs, max_frames);
             }),
             "sandbox"_a, "input_channels"_a, "output_channels"_a, "max_frames"_a)
        .def_prop_ro("fd", &DeviceMemory::fd)
        .def_prop_ro("size", &DeviceMemory::size)
        .def("push_param_change",
             [](DeviceMemory& self, uint32_t param_id, double value, uint32_t frame) {
                 return self.header().params_in.push({param_id, frame, value});
             },
             "param_id"_a, "value"_a, "frame"_a = 0,
             "Queues a parameter change for the device's next process call. False if the queue is full.")
        .def("take_param_outputs",
             [](DeviceMemory& self) {
                 std::vector<std::tuple<uint32_t, uint32_t, double>> changes;
                 self.header().params_out.drain([&](const scuff::ParamChange& change) {
                     changes.emplace_back(change.param_id, change.frame, change.value);
                 });
                 return changes;
             },
             "Parameter values the plugin changed itself: (param_id, frame, value).")
        .def("process_stats",
             [](DeviceMemory& self) {
                 const auto& stats = self.header().stats;
                 auto load = [](const std::atomic<uint64_t>& value) { return value.load(std::memory_order_relaxed); };
                 // Acquire: what the reset cleared is not read from before it.
                 uint64_t done = stats.reset_done.load(std::memory_order_acquire);
                 std::vector<uint64_t> histogram(scuff::ProcessStats::kBuckets);
                 for (uint32_t i = 0; i < histogram.size(); ++i) histogram[i] = load(stats.histogram[i]);
                 return std::make_tuple(load(stats.reset_requested), done, load(stats.blocks), load(stats.frames),
                                        load(stats.total_ns), load(stats.max_ns), load(stats.last_ns),
                                        std::move(histogram));
             },
             "The device's process-time statistics as the sandbox wrote them, unchecked: (reset_requested, "
             "reset_done, blocks, frames, total_ns, max_ns, last_ns, histogram).")
        .def("request_stats_reset",
             [](DeviceMemory& self) {
                 auto& requested = self.header().stats.reset_requested;
                 uint64_t next = requested.load(std::memory_order_relaxed) + 1;
                 requested.store(next, std::memory_order_relaxed);
                 return next;
             },
             "Asks the sandbox to reset the statistics before the device's next block; returns the request's number.")
        .def("input_plane", [](DeviceMemory& self, uint32_t port) { return plane_view(self, port, true); },
             "port"_a, nb::rv_policy::reference_internal)
        .def("output_plane", [](DeviceMemory& self, uint32_t port) { return plane_view(self, port, false); },
             "port"_a, nb::rv_policy::reference_internal);

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
        .def("time_cycles",
             [](Engine& self, size_t count, uint32_t frames) {
                 nb::gil_scoped_release release;
                 return self.time_cycles(count, frames);
             },
             "count"_a, "frames"_a);

    m.def("process_stats_bucket_floors",
          [] {
              std::vector<uint64_t> floors(scuff::ProcessStats::kBuckets);
              for (uint32_t i = 0; i < floors.size(); ++i) floors[i] = scuff::ProcessStats::bucket_floor(i);
              return floors;
          },
          "The smallest time, in ns, of each bucket of a device's process-time histogram.");
#ifdef SCUFF_HAVE_JACK
    m.attr("has_jack") = true;
    nb::exception<JackError>(m, "JackError");
    m.def("jack_server_info", [](const std::string& server) {
        nb::gil_scoped_release release;
        return jack_server_info(server);
    }, "server"_a, "(sample rate, period frames) of a running JACK server.");
    using AudioTuple = std::tuple<std::shared_ptr<DeviceMemory>, uint32_t, std::vector<std::string>>;
    using MidiTuple = std::tuple<std::shared_ptr<DeviceMemory>, uint32_t, std::string>;
    nb::class_<JackHost>(m, "JackHost", "A JACK client running a group's engine from its process callback.")
        .def(
            "__init__",
            [](JackHost* self, Engine& engine, double sample_rate, const std::string& client_name,
               const std::string& server_name, const std::vector<AudioTuple>& inputs,
               const std::vector<AudioTuple>& outputs, const std::vector<MidiTuple>& midi, double deadline_share,
               uint32_t max_frames) {
                auto audio = [](const std::vector<AudioTuple>& tuples, bool is_input) {
                    std::vector<JackAudioSpec> specs;
                    for (const auto& [device, port, names] : tuples) {
                        check_port(*device, port, is_input, names.size());
                        specs.push_back({device, port, names});
                    }
                    return specs;
                };
                std::vector<JackMidiSpec> midi_specs;
                for (const auto& [device, port, name] : midi) {
                    midi_specs.push_back({device, port, name});
                }
                auto input_specs = audio(inputs, true);
                auto output_specs = audio(outputs, false);
                nb::gil_scoped_release release;
                new (self) JackHost(engine, sample_rate, client_name, server_name, std::move(input_specs),
                                    std::move(output_specs), std::move(midi_specs), deadline_share, max_frames);
            },
            "engine"_a, "sample_rate"_a, "client_name"_a, "server_name"_a, "inputs"_a, "outputs"_a, "midi"_a,
            "deadline_share"_a, "max_frames"_a, nb::keep_alive<1, 2>())
        .def("activate", &JackHost::activate, nb::call_guard<nb::gil_scoped_release>())
        .def("deactivate", &JackHost::deactivate, nb::call_guard<nb::gil_scoped_release>())
        .def("close", &JackHost::close, nb::call_guard<nb::gil_scoped_release>())
        .def_prop_ro("active", &JackHost::active)
        .def_prop_ro("client_name", &JackHost::client_name)
        .def_prop_ro("realtime_priority", &JackHost::realtime_priority)
        .def_prop_ro("input_ports", &JackHost::input_ports)
        .def_prop_ro("output_ports", &JackHost::output_ports)
        .def_prop_ro("midi_ports", &JackHost::midi_ports)
        .def("connect", &JackHost::connect, "source"_a, "destination"_a, nb::call_guard<nb::gil_scoped_release>())
        .def("disconnect", &JackHost::disconnect, "source"_a, "destination"_a,
             nb::call_guard<nb::gil_scoped_release>())
        .def("find_ports", &JackHost::find_ports, "pattern"_a, "type"_a, "outputs"_a, "physical"_a)
        .def_prop_rw("deadline_share", &JackHost::deadline_share, &JackHost::set_deadline_share)
        .def("stats",
             [](JackHost& self) {
                 auto s = self.stats();
                 // Its keys are listed in python/scuff/live.py, which reads them.
                 nb::dict d;
                 d["cycles"] = s.cycles;
                 d["xruns"] = s.xruns;
                 d["overruns"] = s.overruns;
                 d["late_cycles"] = s.late_cycles;
                 d["busy_cycles"] = s.busy_cycles;
                 d["refused_cycles"] = s.refused_cycles;
                 d["dropped_events"] = s.dropped_events;
                 d["ignored_midi"] = s.ignored_midi;
                 d["buffer_size"] = s.buffer_size;
                 d["sample_rate"] = s.sample_rate;
                 d["cpu_load"] = s.cpu_load;
                 d["max_cycle_ns"] = s.max_cycle_ns;
                 d["server_gone"] = s.server_gone;
                 return d;
             },
             nb::sig("def stats(self) -> dict[str, int | float | bool]"))
        .def("cycle_times", &JackHost::cycle_times, "count"_a)
        .def("reset_stats", &JackHost::reset_stats);
#else
    m.attr("has_jack") = false;
#endif

    m.def("raw_ping_pong",
          [](const std::string& mode, size_t rounds) {
              if (mode != "spin" && mode != "futex") {
                  throw nb::value_error("mode must be 'spin' or 'futex'");
              }
              nb::gil_scoped_release release;
              return raw_ping_pong(mode == "spin" ? PingPongMode::Spin : PingPongMode::Futex, rounds);
          },
          "mode"_a, "rounds"_a, "Round trips (ns) between two processes with no scuff code in between.");
}
