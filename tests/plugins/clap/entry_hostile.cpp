#include "factory.hpp"
#include "plugin_types.hpp"

#include "clap/entry.h"

#include <iterator>

namespace {

using namespace scuff_test;

const PluginType* const types[] = {
    &hostile_allocate_type, &hostile_spin_type, &hostile_connect_type, &hostile_connect_unix_type,
    &hostile_write_type,    &hostile_read_type, &hostile_exec_type,    &hostile_fork_type,
    &hostile_signal_type,   &hostile_exec_in_init_type, &hostile_write_deep_type, &hostile_signal_host_type,
    &hostile_read_many_type, &hostile_x11_snoop_type, &hostile_x11_grab_type, &keep_settings_type, &keep_settings_other_vendor_type};
constexpr Factory factory = make_factory(types, std::size(types));

} // namespace

extern "C" CLAP_EXPORT const clap_plugin_entry_t clap_entry = {
    CLAP_VERSION_INIT,
    [](const char*) { return true; },
    [] {},
    [](const char* factory_id) { return find_factory(factory, factory_id); },
};
