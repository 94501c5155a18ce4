#pragma once
// The preset gain's preset discovery factory: one provider listing the preset files of the
// folder scuff-test-presets beside the plugin file, and the plugin's built-in presets.

namespace scuff_test {

// From the entry's init, with the plugin file's path.
void set_presets_folder(const char* plugin_path);
// The factory for either of its ids, else null.
const void* preset_discovery_factory(const char* factory_id);

} // namespace scuff_test
