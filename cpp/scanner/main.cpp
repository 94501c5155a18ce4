// scuff-scan <plugin file>: prints one ScanReport FlatBuffer on standard output.
// Exit codes: 0 when a report was written (even one that carries an error),
// 1 when the report could not be written, 2 for bad arguments.
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

#include "report_writer.hpp"
#include "scan_file.hpp"

namespace {

// Plugins print whatever they like on stdout. The report gets a private copy of the
// real stdout, and fd 1 becomes stderr for the rest of the process.
int take_stdout() {
    std::fflush(stdout);
    int report_fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
    if (report_fd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
        return -1;
    }
    return report_fd;
}

bool write_all(int fd, const uint8_t* data, size_t size) {
    while (size > 0) {
        ssize_t written = write(fd, data, size);
        if (written < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        data += written;
        size -= static_cast<size_t>(written);
    }
    return true;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 2 || argv[1][0] == '\0') {
        std::fprintf(stderr,
                     "usage: scuff-scan <plugin file>\n"
                     "Prints a ScanReport FlatBuffer describing the plugins in the file.\n");
        return 2;
    }
    int report_fd = take_stdout();
    if (report_fd < 0) {
        std::fprintf(stderr, "scuff-scan: cannot set standard output aside: %s\n",
                     std::strerror(errno));
        return 1;
    }

    auto result = scuff::scan::scan_file(argv[1]);
    auto report = scuff::scan::encode_report(result);
    if (!write_all(report_fd, report.data(), report.size()) || close(report_fd) != 0) {
        std::fprintf(stderr, "scuff-scan: cannot write the report: %s\n", std::strerror(errno));
        return 1;
    }
    // The plugin file is unloaded only now, when `result` goes.
    return 0;
}
