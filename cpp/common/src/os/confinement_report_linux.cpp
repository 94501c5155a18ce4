#include "confinement_report.hpp"

#include <atomic>

#include <fcntl.h>
#include <unistd.h>

namespace scuff::os {

namespace {

std::atomic<int> report_fd{-1};

} // namespace

void set_report_descriptor(int fd) {
    if (fd >= 0) {
        int flags = fcntl(fd, F_GETFL);
        if (flags >= 0) {
            fcntl(fd, F_SETFL, flags | O_NONBLOCK);
        }
    }
    report_fd.store(fd, std::memory_order_release);
}

ReportLine& ReportLine::add(std::string_view part) {
    for (char c : part) {
        if (size + 1 < sizeof text) {
            text[size++] = c;
        }
    }
    return *this;
}

ReportLine& ReportLine::add(uint64_t number) {
    char digits[24];
    size_t count = 0;
    do {
        digits[count++] = static_cast<char>('0' + number % 10);
        number /= 10;
    } while (number != 0);
    while (count > 0) {
        char digit = digits[--count];
        add(std::string_view(&digit, 1));
    }
    return *this;
}

ReportLine& ReportLine::add_path(std::string_view path) {
    constexpr char hex[] = "0123456789abcdef";
    size_t taken = 0;
    for (char c : path) {
        if (taken++ == kMaxReportedPath) {
            break;
        }
        auto byte = static_cast<unsigned char>(c);
        if (byte <= ' ' || byte >= 0x7f || c == '\\') {
            char escaped[4] = {'\\', 'x', hex[byte >> 4], hex[byte & 15]};
            add(std::string_view(escaped, 4));
        } else {
            add(std::string_view(&c, 1));
        }
    }
    return *this;
}

bool ReportLine::send() {
    add("\n");
    int fd = report_fd.load(std::memory_order_acquire);
    return fd >= 0 && write(fd, text, size) == static_cast<ssize_t>(size);
}

} // namespace scuff::os
