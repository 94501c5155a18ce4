// DeviceMemory: one device's shared memory, its rings and audio planes, and its process-time
// statistics.
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include "bindings.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace scuff::native {

namespace {

using PlaneView = nb::ndarray<nb::numpy, float, nb::ndim<2>>;

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

void bind_device_memory(nb::module_& m) {
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

    m.def("process_stats_bucket_floors",
          [] {
              std::vector<uint64_t> floors(scuff::ProcessStats::kBuckets);
              for (uint32_t i = 0; i < floors.size(); ++i) floors[i] = scuff::ProcessStats::bucket_floor(i);
              return floors;
          },
          "The smallest time, in ns, of each bucket of a device's process-time histogram.");
}

} // namespace scuff::native
