#pragma once
// Listing a CLAP plugin's presets through its file's preset discovery factory: every provider
// is created and initialised, declares its file types and locations, and is asked for the
// presets of each location (each matching file of a folder, crawled within bounds). Only
// presets that name the plugin (or name no plugin) are kept.
#include <string>
#include <vector>

#include "core/device.hpp"
#include "scuff/clap_library.hpp"

namespace scuff::sbox {

// Main thread. A provider that fails is passed over; a file without the factory lists nothing.
std::vector<ListedPreset> index_presets(const ClapLibrary& library, const std::string& plugin_id);

} // namespace scuff::sbox
