#pragma once
// Flush-to-zero and denormals-are-zero for the calling thread. Audio hosts process with
// them on: a decaying filter tail otherwise reaches the denormal range, where each
// operation can cost a hundred times more. It also matches what in-process hosts give
// plugins built with -ffast-math, whose loading switches them on for the loading thread.
#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#endif

namespace scuff {

inline void flush_denormals_to_zero() {
#if defined(__SSE__) || defined(__x86_64__)
    constexpr unsigned kFlushToZero = 0x8000;
    constexpr unsigned kDenormalsAreZero = 0x0040;
    _mm_setcsr(_mm_getcsr() | kFlushToZero | kDenormalsAreZero);
#elif defined(__aarch64__)
    uint64_t fpcr;
    asm volatile("mrs %0, fpcr" : "=r"(fpcr));
    asm volatile("msr fpcr, %0" ::"r"(fpcr | (1ull << 24)));
#endif
}

} // namespace scuff
