#include "scuff/os/dynamic_library.hpp"

#include <dlfcn.h>

namespace scuff::os {

void* open_library(const std::filesystem::path& path, std::string& error) {
    void* library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        const char* reason = dlerror();
        error = reason ? reason : "unknown dlopen error";
    }
    return library;
}

void* library_symbol(void* library, const char* name) { return dlsym(library, name); }

void close_library(void* library) { dlclose(library); }

} // namespace scuff::os
