#pragma once
// A shared-memory segment that lives only as long as some process holds its file
// descriptor: nothing is left behind by a crash.
#include <cstddef>
#include <string>

namespace scuff::os {

class SharedMemory {
public:
    // Creates a new zero-filled segment of `size` bytes. Throws std::system_error.
    static SharedMemory create(const std::string& debug_name, size_t size);
    // Maps a segment received from another process; takes ownership of `fd`.
    static SharedMemory adopt(int fd, size_t size);

    SharedMemory() = default;
    SharedMemory(SharedMemory&& other) noexcept;
    SharedMemory& operator=(SharedMemory&& other) noexcept;
    SharedMemory(const SharedMemory&) = delete;
    SharedMemory& operator=(const SharedMemory&) = delete;
    ~SharedMemory();

    int fd() const { return fd_; }
    size_t size() const { return size_; }
    std::byte* data() const { return data_; }

private:
    SharedMemory(int fd, size_t size, std::byte* data) : fd_(fd), size_(size), data_(data) {}
    void release();

    int fd_ = -1;
    size_t size_ = 0;
    std::byte* data_ = nullptr;
};

} // namespace scuff::os
