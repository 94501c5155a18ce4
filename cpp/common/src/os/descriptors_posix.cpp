#include "scuff/os/descriptors.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace scuff::os {

bool send_all(int socket, std::span<const uint8_t> data) {
    const uint8_t* next = data.data();
    size_t size = data.size();
    while (size > 0) {
        ssize_t sent = ::send(socket, next, size, MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        next += sent;
        size -= static_cast<size_t>(sent);
    }
    return true;
}

bool write_all(int fd, std::span<const uint8_t> data) {
    const uint8_t* next = data.data();
    size_t size = data.size();
    while (size > 0) {
        ssize_t written = write(fd, next, size);
        if (written < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        next += written;
        size -= static_cast<size_t>(written);
    }
    return true;
}

bool send_with_fds(int socket, std::span<const uint8_t> data, std::span<const int> fds) {
    if (fds.size() > kMaxFdsPerMessage) {
        return false;
    }
    iovec iov{const_cast<uint8_t*>(data.data()), data.size()};
    msghdr message{};
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFdsPerMessage)];
    if (!fds.empty()) {
        message.msg_control = control;
        message.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
        cmsghdr* header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
        std::memcpy(CMSG_DATA(header), fds.data(), sizeof(int) * fds.size());
    }
    ssize_t sent;
    do {
        sent = sendmsg(socket, &message, MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    if (sent < 0) {
        return false;
    }
    return send_all(socket, data.subspan(static_cast<size_t>(sent)));
}

bool receive_available(int socket, std::vector<uint8_t>& bytes, std::deque<ReceivedFd>& fds) {
    for (;;) {
        uint8_t buffer[64 * 1024];
        iovec iov{buffer, sizeof buffer};
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFdsPerMessage)];
        msghdr message{};
        message.msg_iov = &iov;
        message.msg_iovlen = 1;
        message.msg_control = control;
        message.msg_controllen = sizeof control;
        ssize_t received = recvmsg(socket, &message, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
        if (received < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno == EAGAIN || errno == EWOULDBLOCK;
        }
        for (cmsghdr* header = CMSG_FIRSTHDR(&message); header;
             header = CMSG_NXTHDR(&message, header)) {
            if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_RIGHTS) {
                size_t count = (header->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                const auto* data = reinterpret_cast<const int*>(CMSG_DATA(header));
                for (size_t i = 0; i < count; ++i) {
                    int fd;
                    std::memcpy(&fd, data + i, sizeof fd);
                    fds.push_back({bytes.size() + static_cast<size_t>(std::max<ssize_t>(received, 1)) - 1, fd});
                }
            }
        }
        if (received == 0) {
            return false;
        }
        bytes.insert(bytes.end(), buffer, buffer + received);
    }
}

void set_close_on_exec(int fd) {
    fcntl(fd, F_SETFD, FD_CLOEXEC);
}

bool close_descriptor(int fd) { return close(fd) == 0; }

int set_stdout_aside() {
    std::fflush(stdout);
    int report_fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
    if (report_fd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
        return -1;
    }
    return report_fd;
}

} // namespace scuff::os
