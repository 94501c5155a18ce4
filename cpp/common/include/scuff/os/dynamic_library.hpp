#pragma once
// Loading a plugin's shared library into this process and finding its entry points.
#include <filesystem>
#include <string>

namespace scuff::os {

// Loads the library at `path` with every symbol resolved now and none of them made
// visible to libraries loaded later. Returns the library's handle, or nullptr with the
// loader's reason in `error`.
void* open_library(const std::filesystem::path& path, std::string& error);

// The address of the exported symbol `name`, or nullptr.
void* library_symbol(void* library, const char* name);

void close_library(void* library);

} // namespace scuff::os
