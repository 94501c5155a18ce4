#pragma once
// The report descriptor of a confined process (--report-fd), and the one way to write on
// it: a line built in a fixed buffer and written at once. Safe in a signal handler, and
// the lines of two threads never interleave (a pipe write under 4 KiB is atomic). The
// descriptor does not block: a report the client is too slow to take is lost, and the
// plugin never waits for it.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace scuff::os {

void set_report_descriptor(int fd);

struct ReportLine {
    char text[720];
    size_t size = 0;

    ReportLine& add(std::string_view part);
    ReportLine& add(uint64_t number);
    // A path as one word: spaces, backslashes, control and non-ASCII bytes as \xHH; at
    // most kMaxReportedPath bytes of it.
    ReportLine& add_path(std::string_view path);
    // Ends the line and writes it; false when it could not be written.
    bool send();
};

inline constexpr size_t kMaxReportedPath = 480;

} // namespace scuff::os
