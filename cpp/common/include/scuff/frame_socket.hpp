#pragma once
// Length-prefixed frames over a stream socket, with file descriptors passed beside
// them (SCM_RIGHTS). Each frame is a little-endian uint32 byte count and the bytes.
// Descriptors belong to the frame they were sent with: a message takes its own, oldest
// first, and those it leaves are closed when the next frame is read, so a descriptor
// nobody asked for can never stand in for another message's.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <vector>

#include "scuff/os/descriptors.hpp"

namespace scuff {

inline constexpr uint32_t kMaxFrameBytes = 256u << 20;

class FrameSocket {
public:
    explicit FrameSocket(int fd) : fd_(fd) {}
    ~FrameSocket();
    FrameSocket(const FrameSocket&) = delete;
    FrameSocket& operator=(const FrameSocket&) = delete;

    int fd() const { return fd_; }

    // Sends one whole frame (blocking). Returns false once the peer is gone.
    bool send(std::span<const uint8_t> payload, std::span<const int> fds = {});

    // Reads whatever is waiting without blocking. Returns false on end of stream or
    // on an error.
    bool receive_available();

    // The next complete frame received, if any. Throws std::runtime_error on a frame
    // longer than kMaxFrameBytes: the stream cannot be trusted past it.
    std::optional<std::vector<uint8_t>> next_frame();

    // The oldest descriptor that came with the last frame and is not yet taken, or -1.
    int take_fd();

private:
    void close_frame_fds();

    int fd_;
    std::vector<uint8_t> incoming_;
    // Received with bytes of incoming_ (positions into it), and with the last frame read.
    std::deque<os::ReceivedFd> fds_;
    std::deque<int> frame_fds_;
};

} // namespace scuff
