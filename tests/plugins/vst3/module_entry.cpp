// The Linux module entry points a VST3 host calls around the factory's lifetime. The test plugins
// keep no module-wide state, so both only succeed.
extern "C" {

__attribute__((visibility("default"))) bool ModuleEntry(void*) {
    return true;
}

__attribute__((visibility("default"))) bool ModuleExit() {
    return true;
}

} // extern "C"
