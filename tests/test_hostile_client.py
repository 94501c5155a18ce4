"""A hostile client against the real scuff-sbox: random and malformed control messages,
requests that name what does not exist, bad descriptors, and shared memory scribbled on.
The sandbox answers or ignores each, and never crashes: after every example it still
answers and still renders (under `nox -s sanitize`, with no sanitizer report).

The frames go through the client's own control channel with request ids the client never
uses, so their replies are dropped as replies to nobody; the scribbles go into the same
segments the client shares with the sandbox. SCUFF_FUZZ_EXAMPLES scales the examples."""

from __future__ import annotations

import ctypes
import mmap
import os
import struct
import time

import flatbuffers
import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import scuff
from scuff.host import chunking
from scuff.protocol import ClientMessage
from scuff.wire import requests
from scuff.wire.replies import DeviceDescription
from scuff.wire.requests import PlanConnection
from support.lies import CHUNK_FIRST, CONTROL_BLOCK_SIZE, EVENTS_IN, PARAMS_IN, TRANSPORT, examples
from support.test_plugins import GAIN_ID, PASSTHROUGH_ID, PLUGINS_FILE, twin

BLOCK = 64
# Far above the ids the client gives its own requests: the sandbox's replies go to nobody.
FIRST_ID = 1 << 40
FUZZ = settings(deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])


class Rig:
    def __init__(self, client: scuff.Client, test_plugins) -> None:
        self.group = client.create_group(sample_rate=48000, block_size=BLOCK)
        self.sandbox = self.group.create_sandbox()
        file, vst3_id = twin(GAIN_ID, "vst3")
        self.devices = [self.sandbox.create_device(test_plugins / PLUGINS_FILE, plugin_id=GAIN_ID),
                        self.sandbox.create_device(test_plugins / file, plugin_id=vst3_id),
                        self.sandbox.create_device(test_plugins / PLUGINS_FILE, plugin_id=PASSTHROUGH_ID)]
        self.plugin_path = str(test_plugins / PLUGINS_FILE)
        self.next_id = FIRST_ID

    def send(self, payload: bytes, fds=()) -> None:
        self.sandbox._current._channel.send(payload, fds)

    def request_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def assert_alive(self) -> None:
        """The sandbox still answers its client and renders."""
        assert self.sandbox.state == "running", self.sandbox.reason
        for device in self.devices:
            self.sandbox.request(requests.describe_device(device.id), expect=DeviceDescription)
        self.group._resend_plan(self.sandbox)
        passthrough = self.devices[2]
        x = np.full((2, BLOCK), 0.25, np.float32)
        np.testing.assert_array_equal(self.group.render({passthrough: x}, passthrough), x)


@pytest.fixture(scope="module")
def rig(test_plugins):
    with scuff.Client(autosave_interval=None, control_timeout=5.0) as client:
        rig = Rig(client, test_plugins)
        yield rig
        # Nothing it was sent made it exit, crash or report an error of its own.
        assert rig.sandbox.state == "running", rig.sandbox.reason


def known_or_not(rig: Rig) -> st.SearchStrategy[int]:
    ids = [d.id for d in rig.devices]
    return st.sampled_from(ids) | st.sampled_from([0, 2**32 - 1]) | st.integers(0, 2**32 - 1)


def requests_for(rig: Rig) -> st.SearchStrategy[requests.RequestBody]:
    """Requests with any values: devices that exist or not, parameters, values, texts,
    states and plans. A device of the rig is never destroyed, nor a new one created."""
    device = known_or_not(rig)
    u32 = st.integers(0, 2**32 - 1)
    value = st.floats(allow_nan=True, allow_infinity=True)
    big_text = st.text(max_size=200) | st.sampled_from([1 << 12, 1 << 16, 1 << 20]).map(lambda n: "x" * n)
    connection = st.builds(PlanConnection, source_device=device, source_port=st.sampled_from([0, 1, 64]) | u32,
                           target_device=device, target_port=st.sampled_from([0, 1, 64]) | u32,
                           delayed=st.booleans(), delay=st.sampled_from([0, 1, 48000]) | u32,
                           notes=st.booleans())
    strange = st.integers(0, 2**32 - 1).filter(lambda i: i not in {d.id for d in rig.devices})
    return st.one_of(
        st.builds(requests.get_param_value, device, u32),
        st.builds(requests.param_to_text, device, u32, value),
        st.builds(requests.param_from_text, device, u32, big_text),
        st.builds(requests.flush_params, device),
        st.builds(requests.describe_device, device),
        st.builds(requests.save_state, device),
        st.builds(requests.load_state, device, st.binary(max_size=300)),
        st.builds(requests.set_process_mode, st.booleans()),
        st.builds(requests.set_plan, st.lists(device, max_size=6), st.lists(connection, max_size=6)),
        st.builds(requests.destroy_device, strange),
        st.builds(requests.attach_device_memory, device, st.integers(0, 2**64 - 1)),
        st.builds(requests.set_chunk_memory, st.integers(0, 2**64 - 1), u32,
                  st.lists(chunk_part(device), max_size=4)),
        st.builds(requests.create_device, strange, st.sampled_from(["", "/", "/dev/zero", "/nonexistent.clap",
                                                                   "/etc/passwd", "x" * 5000]),
                  st.none() | st.text(max_size=50)),
    )


def chunk_part(device: st.SearchStrategy[int]) -> st.SearchStrategy[requests.ChunkPart]:
    channels = st.lists(st.sampled_from([0, 1, 2, 64]) | st.integers(0, 2**32 - 1), max_size=4).map(tuple)
    return st.builds(requests.ChunkPart, device, channels, channels, st.booleans(), st.booleans())


def frame_of(request_id: int, body: requests.RequestBody) -> bytes:
    return requests.frame(request_id, body)


def mutate(frame: bytes, data: st.DataObject) -> bytes:
    buffer = bytearray(frame)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(buffer) - 1))
        how = data.draw(st.sampled_from(["flip", "cut", "word"]))
        if how == "flip":
            buffer[at] ^= data.draw(st.integers(1, 255))
        elif how == "cut":
            del buffer[max(1, at):]
        elif len(buffer) >= at + 4:
            buffer[at:at + 4] = struct.pack("<I", data.draw(st.sampled_from([0, 4, 0x7FFFFFFF, 0xFFFFFFFF])))
    return bytes(buffer)


def test_a_request_with_an_unknown_type_is_answered_with_a_failure(rig):
    builder = flatbuffers.Builder(64)
    ClientMessage.Start(builder)
    ClientMessage.AddId(builder, rig.request_id())
    ClientMessage.AddRequestType(builder, 200)
    builder.Finish(ClientMessage.End(builder))
    rig.send(bytes(builder.Output()))
    rig.assert_alive()


@settings(FUZZ, max_examples=examples(80))
@given(st.data())
def test_any_request_with_any_values_is_answered_or_refused(rig, data):
    for _ in range(data.draw(st.integers(1, 4))):
        body = data.draw(requests_for(rig))
        frame = frame_of(rig.request_id(), body)
        if data.draw(st.booleans()):
            frame = mutate(frame, data)
        rig.send(frame)
    rig.assert_alive()


@settings(FUZZ, max_examples=examples(100))
@given(st.binary(min_size=0, max_size=400))
def test_random_frames_are_refused(rig, payload):
    rig.send(payload)
    rig.assert_alive()


def descriptors(kind: str) -> list[int]:
    if kind == "pipe":
        reader, writer = os.pipe()
        os.close(writer)
        return [reader]
    if kind == "null":
        return [os.open("/dev/null", os.O_RDWR)]
    if kind == "folder":
        return [os.open("/", os.O_RDONLY | os.O_DIRECTORY)]
    if kind.startswith("memfd"):
        fd = os.memfd_create("scuff-hostile")
        os.ftruncate(fd, int(kind.split(":")[1]))
        return [fd]
    return []


@settings(FUZZ, max_examples=examples(60))
@given(st.sampled_from(["none", "pipe", "null", "folder", "memfd:0", "memfd:4096", "memfd:1048576"]),
       st.sampled_from([0, 1, 4096, 1 << 20, 1 << 40, 2**64 - 1]), st.integers(0, 200))
def test_device_memory_that_does_not_fit_is_refused(rig, kind, size, flood):
    """A new device gets a descriptor that is not a fitting memory segment (after a flood of
    others that no request takes), and is destroyed again."""
    device_id = rig.request_id() & 0xFFFFFFFF
    rig.send(frame_of(rig.request_id(), requests.create_device(device_id, rig.plugin_path, PASSTHROUGH_ID)))
    spare = [os.open("/dev/null", os.O_RDONLY) for _ in range(flood)]
    fds = descriptors(kind)
    try:
        for start in range(0, len(spare), 200):
            rig.send(frame_of(rig.request_id(), requests.flush_params(2**32 - 1)), spare[start:start + 200])
        rig.send(frame_of(rig.request_id(), requests.attach_device_memory(device_id, size)), fds)
    finally:
        for fd in spare + fds:
            os.close(fd)
    rig.send(frame_of(rig.request_id(), requests.destroy_device(device_id)))
    rig.assert_alive()


def test_a_frame_longer_than_the_protocol_allows_ends_the_sandbox_without_a_crash(rig, test_plugins):
    """The stream cannot be followed past a length it refuses: the sandbox exits, with an
    error code and not a signal."""
    group = rig.group.client.create_group(sample_rate=48000, block_size=BLOCK)
    sandbox = group.create_sandbox()
    try:
        sandbox._current._channel.send(b"", ())
        sandbox._current._channel.socket.sendall(struct.pack("<I", 2**32 - 1))
        deadline = time.monotonic() + 5
        while sandbox.state == "running" and time.monotonic() < deadline:
            time.sleep(0.01)
        assert sandbox.state == "crashed"
        assert sandbox.reason_code == scuff.Reason.EXITED, sandbox.reason
    finally:
        group.close()


# --- the shared memory the sandbox reads ---------------------------------------------------

class Futex:
    """Wakes the sandbox's audio thread after a cycle is requested by hand."""

    def __init__(self) -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        self.syscall = libc.syscall
        self.syscall.restype = ctypes.c_long

    def wake(self, memory: mmap.mmap, offset: int) -> None:
        sequence = struct.unpack_from("<I", memory, offset)[0]
        struct.pack_into("<I", memory, offset, (sequence + 1) & 0xFFFFFFFF)
        address = ctypes.addressof(ctypes.c_char.from_buffer(memory, offset))
        self.syscall(202, ctypes.c_void_p(address), 1, 0x7FFFFFFF, None, None, 0)


def mapped(fd: int) -> mmap.mmap:
    return mmap.mmap(fd, os.fstat(fd).st_size)


@settings(FUZZ, max_examples=examples(150))
@given(st.data())
def test_scribbled_rings_and_control_block_never_crash_the_sandbox(rig, data):
    """Ring indices and items out of range, parameter changes for unknown ids and with NaN,
    events with garbage, frame counts above the maximum and a transport of garbage, in a
    cycle the test requests itself."""
    device = data.draw(st.sampled_from(rig.devices))
    memory = mapped(device._memory.fd)
    control = mapped(rig.sandbox._signals.fd)
    try:
        for _ in range(data.draw(st.integers(1, 6))):
            ring = data.draw(st.sampled_from([PARAMS_IN, EVENTS_IN]))
            what = data.draw(st.sampled_from(["indices", "params", "events"]))
            if what == "indices":
                write, read = data.draw(st.integers(0, 2**32 - 1)), data.draw(st.integers(0, 2**32 - 1))
                struct.pack_into("<I", memory, ring, write)
                struct.pack_into("<I", memory, ring + 64, read)
            elif what == "params":
                changes = data.draw(st.lists(st.tuples(
                    st.sampled_from([p.id for p in device.params] or [0]) | st.integers(0, 2**32 - 1),
                    st.integers(0, 2**32 - 1), st.floats(allow_nan=True, allow_infinity=True)), min_size=1,
                    max_size=16))
                for index, (param, frame, value) in enumerate(changes):
                    struct.pack_into("<IId", memory, PARAMS_IN + 128 + 16 * index, param, frame, value)
                struct.pack_into("<I", memory, PARAMS_IN + 64, 0)
                struct.pack_into("<I", memory, PARAMS_IN, len(changes))
            else:
                records = data.draw(st.binary(min_size=24, max_size=24 * 16))
                count = len(records) // 24
                memory[EVENTS_IN + 128:EVENTS_IN + 128 + 24 * count] = records[:24 * count]
                struct.pack_into("<I", memory, EVENTS_IN + 64, 0)
                struct.pack_into("<I", memory, EVENTS_IN, count)
        size = CONTROL_BLOCK_SIZE - TRANSPORT
        transport = data.draw(st.binary(min_size=size, max_size=size))
        if data.draw(st.booleans()):
            control[TRANSPORT:CONTROL_BLOCK_SIZE] = transport
        frames = data.draw(st.sampled_from([0, 1, BLOCK, BLOCK + 1, 1 << 16, 2**32 - 1]))
        # A cycle requested by hand, numbered far from the client's own.
        cycle = struct.unpack_from("<Q", control, 8)[0] + (1 << 50)
        struct.pack_into("<I", control, 16, frames)
        struct.pack_into("<Q", control, 8, cycle)
        Futex().wake(control, 0)
        deadline = time.monotonic() + 5
        while struct.unpack_from("<Q", control, 72)[0] != cycle and time.monotonic() < deadline:
            time.sleep(0.001)
        assert struct.unpack_from("<Q", control, 72)[0] == cycle, "the sandbox did not finish the cycle"
    finally:
        # Queues emptied, so that the client's own changes fit again.
        for ring in (PARAMS_IN, EVENTS_IN):
            struct.pack_into("<I", memory, ring + 64, struct.unpack_from("<I", memory, ring)[0])
        memory.close()
        control.close()
    rig.assert_alive()


def true_parts(rig: Rig) -> list[requests.ChunkPart]:
    return [requests.ChunkPart(device.id, tuple(device.inputs), tuple(device.outputs),
                               device.note_inputs > 0, device.note_outputs > 0) for device in rig.devices]


@settings(FUZZ, max_examples=examples(60))
@given(st.data())
def test_chunk_memory_of_any_shape_and_size_is_answered_or_refused(rig, data):
    """A chunk segment for devices that exist or not, with ports that are not theirs, block
    counts from none to far past the most, sizes that lie about the descriptor's, or no fitting
    descriptor at all."""
    device = known_or_not(rig)
    parts = data.draw(st.just(true_parts(rig)) | st.lists(chunk_part(device), max_size=4))
    blocks = data.draw(st.sampled_from([0, 1, 3, 4096, 4097, 2**32 - 1]) | st.integers(0, 2**32 - 1))
    size = data.draw(st.sampled_from([0, 4096, 1 << 20, 1 << 40, 2**64 - 1]))
    fds = descriptors(data.draw(st.sampled_from(["none", "pipe", "null", "folder", "memfd:0", "memfd:4096",
                                                 "memfd:1048576"])))
    try:
        rig.send(frame_of(rig.request_id(), requests.set_chunk_memory(size, blocks, parts)), fds)
    finally:
        for fd in fds:
            os.close(fd)
    # A segment the sandbox accepted replaces the client's: the next render sends its own again.
    chunking._sent.pop(rig.sandbox, None)
    rig.assert_alive()


@settings(FUZZ, max_examples=examples(100))
@given(st.data())
def test_scribbled_chunk_segments_never_crash_the_sandbox(rig, data):
    """Block headers with any frame counts and transports, planes and event lists of garbage,
    and chunk cycles naming any blocks, in cycles the test requests itself."""
    passthrough = rig.devices[2]
    x = np.full((2, 4 * BLOCK), 0.5, np.float32)
    np.testing.assert_array_equal(rig.group.render({passthrough: x}, passthrough, chunked=True), x)
    segment = chunking._sent[rig.sandbox].memory
    chunk = mapped(segment.fd)
    control = mapped(rig.sandbox._signals.fd)
    try:
        for _ in range(data.draw(st.integers(1, 8))):
            at = data.draw(st.integers(0, len(chunk) - 1) | st.integers(0, 4096))
            garbage = data.draw(st.binary(min_size=1, max_size=64))
            garbage = garbage[:len(chunk) - at] if at < len(chunk) else b""
            chunk[at:at + len(garbage)] = garbage
        first = data.draw(st.sampled_from([0, 1, segment.blocks - 1, segment.blocks, 2**32 - 1]))
        count = data.draw(st.sampled_from([1, 2, segment.blocks, segment.blocks + 1, 2**32 - 1]))
        struct.pack_into("<II", control, CHUNK_FIRST, first & 0xFFFFFFFF, count)
        cycle = struct.unpack_from("<Q", control, 8)[0] + (1 << 50)
        struct.pack_into("<Q", control, 8, cycle)
        Futex().wake(control, 0)
        deadline = time.monotonic() + 10
        while struct.unpack_from("<Q", control, 72)[0] != cycle and time.monotonic() < deadline:
            time.sleep(0.001)
        assert struct.unpack_from("<Q", control, 72)[0] == cycle, "the sandbox did not finish the cycle"
    finally:
        chunk.close()
        control.close()
    rig.assert_alive()
