#pragma once
// Which thread is which inside the sandbox, for the CLAP thread-check extension and
// for asserting each method's thread rule.
#include <atomic>
#include <cassert>

#include "scuff/os/process.hpp"

namespace scuff::sbox {

struct ThreadRoles {
    std::atomic<long> main_thread{0};
    std::atomic<long> audio_thread{0};

    bool is_main_thread() const { return os::current_thread_id() == main_thread.load(); }
    bool is_audio_thread() const { return os::current_thread_id() == audio_thread.load(); }
};

ThreadRoles& thread_roles();

#define SCUFF_ASSERT_MAIN_THREAD() assert(::scuff::sbox::thread_roles().is_main_thread())
#define SCUFF_ASSERT_AUDIO_THREAD() assert(::scuff::sbox::thread_roles().is_audio_thread())

} // namespace scuff::sbox
