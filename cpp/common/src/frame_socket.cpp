#include "scuff/frame_socket.hpp"

#include <stdexcept>

#include "scuff/os/descriptors.hpp"

namespace scuff {

FrameSocket::~FrameSocket() {
    close_frame_fds();
    for (const auto& received : fds_) {
        os::close_descriptor(received.fd);
    }
    os::close_descriptor(fd_);
}

void FrameSocket::close_frame_fds() {
    for (int fd : frame_fds_) {
        os::close_descriptor(fd);
    }
    frame_fds_.clear();
}

bool FrameSocket::send(std::span<const uint8_t> payload, std::span<const int> fds) {
    if (payload.size() > kMaxFrameBytes || fds.size() > os::kMaxFdsPerMessage) {
        return false;
    }
    uint8_t prefix[4];
    auto size = static_cast<uint32_t>(payload.size());
    for (int i = 0; i < 4; ++i) {
        prefix[i] = static_cast<uint8_t>(size >> (8 * i));
    }
    // The descriptors ride with the length prefix so they arrive no later than the frame.
    if (!os::send_with_fds(fd_, prefix, fds)) {
        return false;
    }
    return os::send_all(fd_, payload);
}

bool FrameSocket::receive_available() { return os::receive_available(fd_, incoming_, fds_); }

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
    size_t length = 4 + static_cast<size_t>(size);
    std::vector<uint8_t> frame(incoming_.begin() + 4, incoming_.begin() + static_cast<ptrdiff_t>(length));
    incoming_.erase(incoming_.begin(), incoming_.begin() + static_cast<ptrdiff_t>(length));
    close_frame_fds();
    while (!fds_.empty() && fds_.front().at < length) {
        frame_fds_.push_back(fds_.front().fd);
        fds_.pop_front();
    }
    for (auto& received : fds_) {
        received.at -= length;
    }
    return frame;
}

int FrameSocket::take_fd() {
    if (frame_fds_.empty()) {
        return -1;
    }
    int fd = frame_fds_.front();
    frame_fds_.pop_front();
    return fd;
}

} // namespace scuff
