#include "scuff/frame_socket.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <sys/socket.h>
#include <unistd.h>

namespace scuff {

namespace {

constexpr size_t kMaxFdsPerMessage = 16;

bool send_all(int fd, const uint8_t* data, size_t size) {
    while (size > 0) {
        ssize_t sent = ::send(fd, data, size, MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        data += sent;
        size -= static_cast<size_t>(sent);
    }
    return true;
}

} // namespace

FrameSocket::~FrameSocket() {
    for (int fd : fds_) {
        close(fd);
    }
    close(fd_);
}

bool FrameSocket::send(std::span<const uint8_t> payload, std::span<const int> fds) {
    if (payload.size() > kMaxFrameBytes || fds.size() > kMaxFdsPerMessage) {
        return false;
    }
    uint8_t prefix[4];
    auto size = static_cast<uint32_t>(payload.size());
    for (int i = 0; i < 4; ++i) {
        prefix[i] = static_cast<uint8_t>(size >> (8 * i));
    }
    // The descriptors ride with the length prefix so they arrive no later than the frame.
    iovec iov{prefix, sizeof prefix};
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
        sent = sendmsg(fd_, &message, MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    if (sent < 0) {
        return false;
    }
    if (!send_all(fd_, prefix + sent, sizeof prefix - static_cast<size_t>(sent))) {
        return false;
    }
    return send_all(fd_, payload.data(), payload.size());
}

bool FrameSocket::receive_available() {
    for (;;) {
        uint8_t buffer[64 * 1024];
        iovec iov{buffer, sizeof buffer};
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFdsPerMessage)];
        msghdr message{};
        message.msg_iov = &iov;
        message.msg_iovlen = 1;
        message.msg_control = control;
        message.msg_controllen = sizeof control;
        ssize_t received = recvmsg(fd_, &message, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
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
                    fds_.push_back(fd);
                }
            }
        }
        if (received == 0) {
            return false;
        }
        incoming_.insert(incoming_.end(), buffer, buffer + received);
    }
}

std::optional<std::vector<uint8_t>> FrameSocket::next_frame() {
    if (incoming_.size() < 4) {
        return std::nullopt;
    }
    uint32_t size = 0;
    for (int i = 0; i < 4; ++i) {
        size |= static_cast<uint32_t>(incoming_[i]) << (8 * i);
    }
    if (size > kMaxFrameBytes) {
        throw std::runtime_error("control frame longer than the protocol allows");
    }
    if (incoming_.size() < 4 + static_cast<size_t>(size)) {
        return std::nullopt;
    }
    std::vector<uint8_t> frame(incoming_.begin() + 4, incoming_.begin() + 4 + size);
    incoming_.erase(incoming_.begin(), incoming_.begin() + 4 + size);
    return frame;
}

int FrameSocket::take_fd() {
    if (fds_.empty()) {
        return -1;
    }
    int fd = fds_.front();
    fds_.pop_front();
    return fd;
}

} // namespace scuff
