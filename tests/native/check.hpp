#pragma once
// The least a C++ test of scuff needs: named cases that run in order, checks that say which
// expression failed where, and an exit code and output pytest reads (tests/test_native_units.py).
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace scuff_check {

struct Case {
    const char* name;
    std::function<void()> run;
};

inline int failures = 0;

inline void fail(const char* expression, const char* file, int line) {
    ++failures;
    std::printf("    FAILED %s:%d: %s\n", file, line, expression);
}

// Runs each case and prints its name and what failed in it; returns the exit code.
inline int run(const std::vector<Case>& cases) {
    int failed_cases = 0;
    for (const auto& test : cases) {
        int before = failures;
        test.run();
        bool passed = failures == before;
        failed_cases += passed ? 0 : 1;
        std::printf("%s %s\n", passed ? "passed" : "FAILED", test.name);
    }
    std::printf("%zu cases, %d failed\n", cases.size(), failed_cases);
    return failed_cases == 0 ? 0 : 1;
}

} // namespace scuff_check

#define CHECK(expression) \
    ((expression) ? void(0) : ::scuff_check::fail(#expression, __FILE__, __LINE__))
