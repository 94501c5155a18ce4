#include "vst3/memory_stream.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

#include "scuff/vst3_com.hpp"

namespace scuff::sbox {

using namespace Steinberg;

namespace {
// A state larger than this is a plugin gone wrong, not a state to keep.
constexpr uint64_t kMaxStreamSize = uint64_t{1} << 31;
} // namespace

tresult PLUGIN_API Vst3MemoryStream::queryInterface(const TUID iid, void** object) {
    if (vst3::same_iid(iid, FUnknown_iid) || vst3::same_iid(iid, IBStream_iid)) {
        addRef();
        *object = static_cast<IBStream*>(this);
        return kResultOk;
    }
    *object = nullptr;
    return kNoInterface;
}

tresult PLUGIN_API Vst3MemoryStream::read(void* buffer, int32 count, int32* done) {
    if (count < 0 || (count > 0 && !buffer)) {
        return kInvalidArgument;
    }
    uint64_t available = position_ < bytes_.size() ? bytes_.size() - position_ : 0;
    auto copied = static_cast<int32>(std::min<uint64_t>(available, static_cast<uint64_t>(count)));
    if (copied > 0) {
        std::memcpy(buffer, bytes_.data() + position_, copied);
    }
    position_ += copied;
    if (done) *done = copied;
    return kResultOk;
}

tresult PLUGIN_API Vst3MemoryStream::write(void* buffer, int32 count, int32* done) {
    if (count < 0 || (count > 0 && !buffer) || position_ + count > kMaxStreamSize) {
        return kInvalidArgument;
    }
    if (position_ + count > bytes_.size()) {
        bytes_.resize(position_ + count);
    }
    if (count > 0) {
        std::memcpy(bytes_.data() + position_, buffer, count);
    }
    position_ += count;
    if (done) *done = count;
    return kResultOk;
}

tresult PLUGIN_API Vst3MemoryStream::seek(int64 position, int32 mode, int64* result) {
    int64 base = mode == kIBSeekSet ? 0 : mode == kIBSeekCur ? static_cast<int64>(position_)
                                          : mode == kIBSeekEnd ? static_cast<int64>(bytes_.size()) : -1;
    if (base < 0) {
        return kInvalidArgument;
    }
    int64 target = base + position;
    if (target < 0 || static_cast<uint64_t>(target) > kMaxStreamSize) {
        return kInvalidArgument;
    }
    position_ = static_cast<uint64_t>(target);
    if (result) *result = target;
    return kResultOk;
}

tresult PLUGIN_API Vst3MemoryStream::tell(int64* position) {
    if (!position) {
        return kInvalidArgument;
    }
    *position = static_cast<int64>(position_);
    return kResultOk;
}

} // namespace scuff::sbox
