#pragma once
// Byte streams named by descriptors: the control socket (with descriptors passed beside
// the bytes), the scanner's report on standard output. On failure, errno says why.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <span>
#include <vector>

namespace scuff::os {

// The most descriptors one send_with_fds() passes.
inline constexpr size_t kMaxFdsPerMessage = 16;

// Writes all of `data` (blocking). Returns false on an error, e.g. once the peer is gone.
bool write_all(int fd, std::span<const uint8_t> data);

// Sends all of `data` on a stream socket (blocking), never raising SIGPIPE. Returns false
// once the peer is gone.
bool send_all(int socket, std::span<const uint8_t> data);

// Sends all of `data` on a stream socket, the descriptors `fds` riding with its first
// bytes so they arrive no later than those (blocking). Returns false once the peer is
// gone, or when there are more than kMaxFdsPerMessage descriptors.
bool send_with_fds(int socket, std::span<const uint8_t> data, std::span<const int> fds);

// A descriptor received on a stream socket, with the position in `bytes` of the last byte
// the read that brought it took: the kernel ends a read with the bytes the descriptor was
// sent with, so that byte is one of them.
struct ReceivedFd {
    size_t at;
    int fd;
};

// Reads whatever is waiting on a stream socket without blocking: appends the bytes to
// `bytes` and the descriptors received beside them to `fds`. Returns false on end of
// stream or on an error.
bool receive_available(int socket, std::vector<uint8_t>& bytes, std::deque<ReceivedFd>& fds);

// Keeps `fd` from being inherited by programs this process starts.
void set_close_on_exec(int fd);

// Returns false when closing reports an error (for a file: the data may not be written).
bool close_descriptor(int fd);

// Plugins print whatever they like on standard output. Returns a private copy of the real
// standard output (close-on-exec), and standard output becomes standard error for the rest
// of the process; returns -1 on failure.
int set_stdout_aside();

} // namespace scuff::os
