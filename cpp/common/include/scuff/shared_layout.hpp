#pragma once
// The layout of the shared memory between the client and a sandbox. Both sides
// compute it from the same facts (port channel counts, maximum block size), so no
// offsets travel over the wire. The client creates and sizes every segment; the
// sandbox maps what it is given.
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "scuff/os/ipc_event.hpp"

namespace scuff {

inline constexpr uint32_t kLayoutVersion = 4;
inline constexpr size_t kCacheLine = 64;

// The group's transport at the first frame of a cycle, and the group's panic count.
struct TransportState {
    static constexpr uint32_t kPlaying = 1 << 0;
    static constexpr uint32_t kLoopActive = 1 << 1;

    double tempo = 120.0;  // beats per minute
    double position_beats = 0.0;
    double position_seconds = 0.0;
    double loop_start_beats = 0.0;
    double loop_end_beats = 0.0;
    uint32_t flags = 0;
    uint16_t time_signature_numerator = 4;
    uint16_t time_signature_denominator = 4;
    // Bumped by the client: every device stops the notes it was sent, at the cycle's first frame.
    uint64_t panic_count = 0;
};

// One per sandbox: the audio cycle handshake.
struct SandboxControlBlock {
    // Client -> sandbox: a new cycle was requested (or the sandbox's own main thread
    // has work for the audio thread).
    alignas(kCacheLine) os::IpcEvent to_sandbox;
    std::atomic<uint64_t> requested_cycle{0};
    // Frames in the requested cycle; written before requested_cycle.
    std::atomic<uint32_t> frames{0};
    // How long the sandbox keeps spinning for the next request after a cycle.
    std::atomic<uint32_t> sandbox_spin_ns{0};
    // With chunk_blocks 0 the cycle is one block in the device planes (`frames`, `transport`);
    // otherwise it is blocks chunk_first to chunk_first + chunk_blocks of the chunk segment,
    // each described there (chunk_layout.hpp). Written before requested_cycle.
    std::atomic<uint32_t> chunk_first{0};
    std::atomic<uint32_t> chunk_blocks{0};

    // Sandbox -> client: the cycle numbered completed_cycle is finished.
    alignas(kCacheLine) os::IpcEvent to_client;
    std::atomic<uint64_t> completed_cycle{0};
    // Time the sandbox spent processing its last cycle, for statistics.
    std::atomic<uint64_t> last_cycle_ns{0};
    // Blocks of the current chunk finished so far: the client's deadline runs per block.
    std::atomic<uint32_t> chunk_progress{0};

    // Client -> sandbox: written before requested_cycle, read after it, and never while
    // the sandbox still works on an earlier cycle.
    alignas(kCacheLine) TransportState transport;
};

// A parameter change queued for a device, applied sample-accurately in its next
// process call (or at once by a flush).
struct ParamChange {
    uint32_t param_id;
    uint32_t frame;
    double value;
};

// A single-producer, single-consumer ring in shared memory. The consumer treats the
// indices as untrusted when the producer is the other process.
template <typename T, uint32_t Capacity>
struct SharedRing {
    static_assert((Capacity & (Capacity - 1)) == 0, "capacity must be a power of two");
    static constexpr uint32_t capacity = Capacity;

    alignas(kCacheLine) std::atomic<uint32_t> write_index{0};
    alignas(kCacheLine) std::atomic<uint32_t> read_index{0};
    alignas(kCacheLine) T items[Capacity];

    bool push(const T& item) {
        uint32_t write = write_index.load(std::memory_order_relaxed);
        uint32_t read = read_index.load(std::memory_order_acquire);
        if (write - read >= Capacity) {
            return false;
        }
        items[write & (Capacity - 1)] = item;
        write_index.store(write + 1, std::memory_order_release);
        return true;
    }

    // Calls `sink(item)` for every queued item. A corrupt index pair (more items than
    // the ring holds) drops everything queued rather than reading garbage.
    template <typename Sink>
    uint32_t drain(Sink&& sink) {
        uint32_t read = read_index.load(std::memory_order_relaxed);
        uint32_t write = write_index.load(std::memory_order_acquire);
        uint32_t count = write - read;
        if (count > Capacity) {
            read_index.store(write, std::memory_order_release);
            return 0;
        }
        for (uint32_t i = 0; i < count; ++i) {
            sink(items[(read + i) & (Capacity - 1)]);
        }
        read_index.store(write, std::memory_order_release);
        return count;
    }
};

using ParamRing = SharedRing<ParamChange, 1024>;

enum class NoteEventKind : uint8_t { NoteOn, NoteOff, Choke, Midi };

// A note or raw MIDI event at a frame of one block, on one of a device's note ports.
struct NoteEvent {
    uint32_t frame;
    uint16_t port;
    NoteEventKind kind;
    uint8_t channel;     // 0..15
    int16_t key;         // 0..127
    uint8_t midi_size;   // Midi: 1 to 3 bytes in `midi`
    uint8_t midi[3];
    int32_t note_id;     // -1: none
    float velocity;      // 0..1
};

using EventRing = SharedRing<NoteEvent, 1024>;

// How long a device's process calls took: counts, sums and a histogram, always on.
// Only the sandbox's audio thread writes them, with plain relaxed stores (one writer needs
// no read-modify-write and no lock); the client reads them at any time, so a read may mix
// two blocks' updates, and a lying sandbox may write anything: the client checks them.
// A reset is a request the audio thread carries out before its next block, so the writer
// stays single.
struct ProcessStats {
    // Buckets are log-linear: exact below 16 ns, then 16 per octave (at most 6.25% wide),
    // up to about 17 s in the last one.
    static constexpr uint32_t kSubBuckets = 16;
    static constexpr uint32_t kBuckets = 512;

    static constexpr uint32_t bucket_of(uint64_t ns) {
        if (ns < kSubBuckets) return static_cast<uint32_t>(ns);
        uint32_t octave = static_cast<uint32_t>(std::bit_width(ns)) - 1;  // >= 4
        uint64_t bucket = (octave - 3) * uint64_t{kSubBuckets} + ((ns >> (octave - 4)) & (kSubBuckets - 1));
        return bucket < kBuckets ? static_cast<uint32_t>(bucket) : kBuckets - 1;
    }
    // The smallest time that falls in `bucket`.
    static constexpr uint64_t bucket_floor(uint32_t bucket) {
        if (bucket < kSubBuckets) return bucket;
        uint32_t octave = bucket / kSubBuckets + 3;
        return (kSubBuckets + bucket % kSubBuckets) << (octave - 4);
    }

    // Client -> sandbox: bumped to ask for a reset.
    alignas(kCacheLine) std::atomic<uint64_t> reset_requested{0};
    // Sandbox -> client: the last reset carried out; the numbers below count from it.
    alignas(kCacheLine) std::atomic<uint64_t> reset_done{0};
    std::atomic<uint64_t> blocks{0};
    std::atomic<uint64_t> frames{0};
    std::atomic<uint64_t> total_ns{0};
    std::atomic<uint64_t> max_ns{0};
    std::atomic<uint64_t> last_ns{0};
    alignas(kCacheLine) std::atomic<uint64_t> histogram[kBuckets]{};
};

// The head of every device segment; audio planes follow it.
struct DeviceMemoryHeader {
    ParamRing params_in;   // client -> plugin
    ParamRing params_out;  // plugin -> client (values the plugin changed itself)
    EventRing events_in;   // client -> plugin: events of the next block
    EventRing events_out;  // plugin -> client: what the plugin output in its last block
    ProcessStats stats;    // plugin -> client
};

// Whether an event names a port, channel, key and MIDI bytes a device can take; the side
// that reads a ring checks every event, since the other side is not trusted.
inline bool valid_event(const NoteEvent& event, uint32_t ports) {
    if (event.port >= ports || event.channel > 15) return false;
    if (event.kind == NoteEventKind::Midi) return event.midi_size >= 1 && event.midi_size <= 3;
    return event.kind <= NoteEventKind::Choke && event.key >= 0 && event.key <= 127 &&
           event.velocity >= 0.0f && event.velocity <= 1.0f;
}

// Where each audio channel plane of one device lives inside its segment.
class DeviceMemoryLayout {
public:
    DeviceMemoryLayout(std::span<const uint32_t> input_channels,
                       std::span<const uint32_t> output_channels, uint32_t max_frames);

    size_t total_size() const { return total_size_; }
    uint32_t max_frames() const { return max_frames_; }
    // Distance between two channel planes of one port, in floats.
    size_t plane_stride() const { return plane_bytes_ / sizeof(float); }
    size_t input_count() const { return inputs_.size(); }
    size_t output_count() const { return outputs_.size(); }
    uint32_t input_channels(size_t port) const { return inputs_[port].channels; }
    uint32_t output_channels(size_t port) const { return outputs_[port].channels; }

    float* input_plane(std::byte* base, size_t port, uint32_t channel) const {
        return plane(base, inputs_[port], channel);
    }
    float* output_plane(std::byte* base, size_t port, uint32_t channel) const {
        return plane(base, outputs_[port], channel);
    }
    static DeviceMemoryHeader* header(std::byte* base) {
        return reinterpret_cast<DeviceMemoryHeader*>(base);
    }

private:
    struct Port {
        uint32_t channels;
        size_t offset;
    };
    float* plane(std::byte* base, const Port& port, uint32_t channel) const {
        return reinterpret_cast<float*>(base + port.offset + channel * plane_bytes_);
    }

    std::vector<Port> inputs_;
    std::vector<Port> outputs_;
    uint32_t max_frames_;
    size_t plane_bytes_;
    size_t total_size_;
};

// Limits that keep a lying peer from making the other side allocate without bound.
inline constexpr uint32_t kMaxPorts = 64;
inline constexpr uint32_t kMaxChannelsPerPort = 64;
inline constexpr uint32_t kMaxFrames = 1 << 16;

} // namespace scuff
