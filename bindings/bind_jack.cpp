// JackHost: a JACK client running a group's engine from its process callback, and
// load_jack, which loads libjack (at run time: the module never links it).
#include <nanobind/nanobind.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include "bindings.hpp"
#include "jack_host.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace scuff::native {

void bind_jack(nb::module_& m) {
    nb::exception<JackError>(m, "JackError");
    m.def("load_jack", [] {
        jack_api();
        return jack_library_name();
    }, "Loads libjack (once per process) and returns the name it was loaded by; raises JackError "
       "naming what to install when it cannot be loaded.");
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
                 // Its keys are listed in python/scuff/live/jack_host.py, which reads them.
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
        .def("incidents",
             [](JackHost& self) {
                 // (frame, frames, kind) tuples, which python/scuff/live/jack_host.py reads.
                 static constexpr const char* kinds[] = {"late", "busy", "refused", "overrun", "xrun"};
                 std::vector<std::tuple<uint64_t, uint32_t, std::string>> found;
                 for (const auto& incident : self.incidents()) {
                     found.emplace_back(incident.frame, incident.frames, kinds[static_cast<size_t>(incident.kind)]);
                 }
                 return found;
             })
        .def("reset_stats", &JackHost::reset_stats)
        .def("take_output_peaks", &JackHost::take_output_peaks);
}

} // namespace scuff::native
