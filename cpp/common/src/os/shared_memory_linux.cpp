#include "scuff/os/shared_memory.hpp"

#include <cerrno>
#include <system_error>
#include <utility>

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace scuff::os {

namespace {

std::system_error os_error(const char* what) {
    return std::system_error(errno, std::generic_category(), what);
}

std::byte* map(int fd, size_t size) {
    void* data = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (data == MAP_FAILED) {
        throw os_error("mmap of shared memory failed");
    }
    return static_cast<std::byte*>(data);
}

} // namespace

SharedMemory SharedMemory::create(const std::string& debug_name, size_t size) {
    int fd = memfd_create(debug_name.c_str(), MFD_CLOEXEC);
    if (fd < 0) {
        throw os_error("memfd_create failed");
    }
    if (ftruncate(fd, static_cast<off_t>(size)) != 0) {
        auto error = os_error("ftruncate of shared memory failed");
        close(fd);
        throw error;
    }
    try {
        return SharedMemory(fd, size, map(fd, size));
    } catch (...) {
        close(fd);
        throw;
    }
}

SharedMemory SharedMemory::adopt(int fd, size_t size) {
    struct stat info {};
    if (fstat(fd, &info) != 0 || static_cast<size_t>(info.st_size) < size) {
        close(fd);
        throw std::system_error(EINVAL, std::generic_category(),
                                "shared memory segment is smaller than announced");
    }
    try {
        return SharedMemory(fd, size, map(fd, size));
    } catch (...) {
        close(fd);
        throw;
    }
}

SharedMemory::SharedMemory(SharedMemory&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      size_(std::exchange(other.size_, 0)),
      data_(std::exchange(other.data_, nullptr)) {}

SharedMemory& SharedMemory::operator=(SharedMemory&& other) noexcept {
    if (this != &other) {
        release();
        fd_ = std::exchange(other.fd_, -1);
        size_ = std::exchange(other.size_, 0);
        data_ = std::exchange(other.data_, nullptr);
    }
    return *this;
}

SharedMemory::~SharedMemory() { release(); }

void SharedMemory::release() {
    if (data_) {
        munmap(data_, size_);
        data_ = nullptr;
    }
    if (fd_ >= 0) {
        close(fd_);
        fd_ = -1;
    }
}

} // namespace scuff::os
