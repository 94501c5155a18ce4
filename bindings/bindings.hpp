#pragma once
// The areas of the scuff._native module, each bound by one function (module.cpp calls them in
// order), and what more than one of them checks.
#include <cstddef>
#include <cstdint>

#include <nanobind/nanobind.h>

#include "device_memory.hpp"

namespace scuff::native {

// verify_sandbox_message, verify_scan_report.
void bind_verifiers(nanobind::module_& m);
// read_device_info.
void bind_device_info(nanobind::module_& m);
// SandboxSignals.
void bind_sandbox_signals(nanobind::module_& m);
// DeviceMemory and the process-time histogram's buckets.
void bind_device_memory(nanobind::module_& m);
// Engine.
void bind_engine(nanobind::module_& m);
// JackHost, jack_server_info and load_jack (libjack is loaded at run time).
void bind_jack(nanobind::module_& m);

// Throws IndexError when `device` has no such port, ValueError when the port has other than
// `channels` channels.
void check_port(const DeviceMemory& device, uint32_t port, bool is_input, size_t channels);

} // namespace scuff::native
