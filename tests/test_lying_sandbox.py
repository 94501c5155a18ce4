"""A sandbox that lies: the client never crashes, never waits past its deadline, and stops
the liar with Reason.PROTOCOL_ERROR when it catches a lie, or drops what it cannot trust.

The fast tests feed the client's frame reader and message parser directly; the others
start `tests/support/lying_sandbox.py` in the place of scuff-sbox (see tests/support/lies.py),
so every lie travels the client's real paths: socket, event loop, replies, shared memory.
What the client does with each kind of lie is listed in docs/robustness.md.
SCUFF_FUZZ_EXAMPLES scales the number of examples (`nox -s fuzz`)."""

from __future__ import annotations

import dataclasses
import math
import struct
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import scuff
from scuff import _native
from scuff.confine.report import ReportReader
from scuff.errors import ProtocolError
from scuff.process.control_channel import MAX_FRAME_BYTES, ControlChannel
from scuff.wire.bounds import MAX_CHANNELS, MAX_LATENCY, MAX_PORTS
from scuff.wire.replies import DeviceDescription, PresetListReply, parse
from support import lies
from support.lies import (
    CONTROL_BLOCK_SIZE,
    EVENTS_IN,
    EVENTS_OUT,
    HEADER_SIZE,
    PARAMS_IN,
    PARAMS_OUT,
    Answer,
    Description,
    ParamSpec,
    Port,
    Script,
    examples,
)

BLOCK = 64
# Short, for the lies that leave a call unanswered: each costs its deadline.
CONTROL_TIMEOUT = 0.5
# For scripts whose every awaited answer comes: a loaded machine may take its time to send it.
PATIENT_TIMEOUT = 10.0
# What a call may take beyond its deadline: the event loop's and the scheduler's delays.
SLACK = 1.0
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                                     HealthCheck.data_too_large])
# Each example of a process test starts a process: shrinking a failure would take minutes,
# and the failing example is reported as found.
PROCESS_FUZZ = settings(FUZZ, phases=[Phase.explicit, Phase.reuse, Phase.generate])


@pytest.fixture(scope="module")
def client():
    with scuff.Client(control_timeout=CONTROL_TIMEOUT, load_timeout=CONTROL_TIMEOUT, autosave_interval=None,
                      default_limits=scuff.SandboxLimits.unconfined()) as client:
        yield client


@pytest.fixture(scope="module")
def patient_client():
    with scuff.Client(control_timeout=PATIENT_TIMEOUT, load_timeout=PATIENT_TIMEOUT, autosave_interval=None,
                      default_limits=scuff.SandboxLimits.unconfined()) as client:
        yield client


def sandbox_with_device(client: scuff.Client, script: Script):
    """A group with one lying sandbox; the device, or the error creating it raised."""
    group = client.create_group(sample_rate=48000, block_size=BLOCK)
    group.cycle_timeout = 0.05
    with lies.lying_sandboxes(script):
        sandbox = group.create_sandbox()
    try:
        return group, sandbox, sandbox.create_device(lies.plugin_file())
    except scuff.ScuffError as error:
        return group, sandbox, error


def wait_for_state(sandbox: scuff.Sandbox, state: str, timeout: float = 2.0) -> None:
    deadline = time.monotonic() + timeout
    while sandbox.state != state and time.monotonic() < deadline:
        time.sleep(0.005)


def assert_stopped_for_lying(sandbox: scuff.Sandbox) -> None:
    wait_for_state(sandbox, "crashed")
    assert sandbox.state == "crashed", sandbox.reason
    assert sandbox.reason_code == scuff.Reason.PROTOCOL_ERROR, sandbox.reason


# --- frames and messages, straight into the client's reader ---------------------------------

def valid_frames() -> st.SearchStrategy[bytes]:
    """Well-formed messages of every kind, with any values the schema allows."""
    u32 = st.integers(0, 2**32 - 1)
    doubles = st.floats(allow_nan=True, allow_infinity=True)
    ports = st.lists(st.builds(Port, channels=st.sampled_from([0, 1, 2, 64, 65, 2**32 - 1]) | u32, id=u32,
                               name=st.text(max_size=20)), max_size=4)
    params = st.lists(st.builds(ParamSpec, id=u32, min=doubles, max=doubles, default=doubles, flags=u32,
                                name=st.text(max_size=20)), max_size=4)
    descriptions = st.builds(Description, device=u32, inputs=ports, outputs=ports, params=params,
                             latency=u32, note_inputs=u32, note_outputs=u32, name=st.text(max_size=20))
    ids = st.integers(0, 2**64 - 1)
    return st.one_of(
        st.builds(lies.ready, u32),
        st.builds(lies.ok, ids),
        st.builds(lies.failure, st.integers(0, 2**16 - 1), st.text(max_size=50), ids),
        st.builds(lies.param_value, doubles, ids),
        st.builds(lies.state, st.binary(max_size=64), ids),
        st.builds(lies.text, st.text(max_size=50), ids),
        st.builds(lies.device_info, descriptions, ids),
        st.builds(lies.log, u32, st.integers(-128, 127), st.text(max_size=50)),
        st.builds(lies.device_changed, descriptions, st.booleans()),
        st.builds(lies.param_edited, u32, u32, doubles),
        st.builds(lies.preset_list, st.lists(st.tuples(st.text(max_size=20), u32, st.none() | st.text(max_size=20),
                                                       st.none() | st.text(max_size=20)), max_size=4), ids),
    ).map(lambda framed: framed[4:])


def mutated(frame: bytes, data: st.DataObject) -> bytes:
    """`frame` with a few bytes changed, cut short, or grown."""
    buffer = bytearray(frame)
    for _ in range(data.draw(st.integers(1, 4))):
        how = data.draw(st.sampled_from(["flip", "cut", "grow", "word"]))
        at = data.draw(st.integers(0, max(0, len(buffer) - 1)))
        if how == "flip" and buffer:
            buffer[at] ^= data.draw(st.integers(1, 255))
        elif how == "cut":
            del buffer[at:]
        elif how == "grow":
            buffer[at:at] = data.draw(st.binary(min_size=1, max_size=8))
        elif how == "word" and len(buffer) >= at + 4:
            buffer[at:at + 4] = struct.pack("<I", data.draw(st.sampled_from([0, 1, 0x7FFFFFFF, 0xFFFFFFFF, 4096])))
    return bytes(buffer)


def parse_or_refuse(frame: bytes):
    """The message, or None when the client refused it as a protocol error."""
    try:
        return parse(frame)
    except ProtocolError:
        return None


@pytest.mark.pure
@settings(FUZZ, max_examples=examples(1500))
@given(st.binary(max_size=512))
def test_random_bytes_are_refused_as_a_protocol_error_or_read(frame):
    parse_or_refuse(frame)


@pytest.mark.pure
@settings(FUZZ, max_examples=examples(1500))
@given(valid_frames(), st.data())
def test_mutated_messages_are_refused_or_read_never_an_other_error(frame, data):
    parse_or_refuse(mutated(frame, data))


@pytest.mark.pure
@settings(FUZZ, max_examples=examples(1000))
@given(valid_frames())
def test_a_message_with_values_out_of_range_is_refused(frame):
    message = parse_or_refuse(frame)
    if message is None:
        return
    descriptions = [getattr(message, "reply", None), getattr(message, "info", None)]
    for description in descriptions:
        if isinstance(description, DeviceDescription):
            ports = description.inputs + description.outputs
            assert len(description.inputs) <= MAX_PORTS and len(description.outputs) <= MAX_PORTS
            assert all(port.channels <= MAX_CHANNELS for port in ports)
            assert description.note_inputs <= MAX_PORTS and description.note_outputs <= MAX_PORTS
            assert description.latency <= MAX_LATENCY
            for param in description.params:
                assert math.isfinite(param.min) and math.isfinite(param.max) and param.min <= param.max
                assert param.min <= param.default <= param.max
    if hasattr(message, "value") and hasattr(message, "param"):
        assert math.isfinite(message.value)
    if isinstance(getattr(message, "reply", None), PresetListReply):
        for preset in message.reply.presets:
            assert (preset.kind == "file") == (preset.location is not None)


@pytest.mark.pure
@settings(FUZZ, max_examples=examples(500))
@given(st.lists(valid_frames(), min_size=1, max_size=5), st.lists(st.integers(1, 64), min_size=1, max_size=20))
def test_frames_split_anywhere_arrive_whole(frames, cuts):
    stream = b"".join(struct.pack("<I", len(f)) + f for f in frames)
    channel = ControlChannel.__new__(ControlChannel)
    channel._incoming = bytearray()
    received, at = [], 0
    for cut in cuts * (len(stream) // sum(cuts) + 1):
        received += channel.feed(stream[at:at + cut])
        at += cut
    assert received == frames


@pytest.mark.pure
@settings(FUZZ, max_examples=examples(100))
@given(st.integers(MAX_FRAME_BYTES + 1, 2**32 - 1))
def test_a_huge_length_is_refused_before_anything_is_read(size):
    channel = ControlChannel.__new__(ControlChannel)
    channel._incoming = bytearray()
    with pytest.raises(ProtocolError, match="byte message"):
        list(channel.feed(struct.pack("<I", size) + b"x"))


# --- a lying process in the place of scuff-sbox ---------------------------------------------

# What the client asks a sandbox, in order, while a device is created and used by `exercise`,
# and the reply each request expects.
REQUESTS = ["CreateDevice", "AttachDeviceMemory", "SetPlan", "GetParamValue", "SaveState", "ParamToText"]
EXPECTED_REPLY = {"CreateDevice": "device_info", "AttachDeviceMemory": "device_info", "SetPlan": "ok",
                  "GetParamValue": "param_value", "SaveState": "state", "ParamToText": "text"}
REPLIES = {
    "ok": lambda: lies.ok(),
    "device_info": lambda: lies.device_info(),
    "param_value": lambda: lies.param_value(0.25),
    "state": lambda: lies.state(b"lie"),
    "text": lambda: lies.text("lie"),
}


class Outcome:
    """How far `exercise` got: the step that raised, and the error."""

    def __init__(self, group: scuff.Group, sandbox: scuff.Sandbox) -> None:
        self.group, self.sandbox = group, sandbox
        self.device: scuff.Device | None = None
        self.failed_at: int | None = None
        self.error: Exception | None = None


def exercise(client: scuff.Client, script: Script) -> Outcome:
    """Creates a device in a lying sandbox and uses it: REQUESTS in order, then a render.
    Every call must return within its deadline."""
    group = client.create_group(sample_rate=48000, block_size=BLOCK)
    group.cycle_timeout = 0.05
    with lies.lying_sandboxes(script):
        started = time.monotonic()
        sandbox = group.create_sandbox()
    assert time.monotonic() - started < 2 + SLACK
    outcome = Outcome(group, sandbox)

    def create() -> None:
        outcome.device = sandbox.create_device(lies.plugin_file())

    steps = [
        (create, 2),  # CreateDevice, AttachDeviceMemory, SetPlan
        (lambda: with_first_param(outcome.device, outcome.device.get_param), 1),
        (lambda: outcome.device.save(), 1),
        (lambda: with_first_param(outcome.device, lambda p: outcome.device.param_text(p, middle(p))), 1),
        (lambda: group.render({outcome.device: np.ones((2, BLOCK * 2), np.float32)}, outcome.device), 0),
    ]
    for index, (step, deadlines) in enumerate(steps):
        started = time.monotonic()
        try:
            step()
        except scuff.ScuffError as error:
            outcome.failed_at, outcome.error = index, error
        finally:
            assert time.monotonic() - started < deadlines * client.control_timeout + 2 * 0.05 + SLACK
        if outcome.error is not None:
            break
    return outcome


def with_first_param(device: scuff.Device, step) -> None:
    """`step` on the device's first parameter as it is described now: a description the
    client believed may have changed the parameters (or left none) since the device was
    created."""
    if device.params:
        step(device.params[0])


def middle(param: scuff.Param) -> float:
    return param.min + (param.max - param.min) / 2


def step_of(request: int) -> int:
    """The step of `exercise` that makes request number `request`."""
    return max(0, request - 2)


def close(outcome: Outcome, nulls_before: int | None = None) -> None:
    outcome.group.close()
    if nulls_before is not None:
        # None of the descriptors the liar sent stayed open in the client.
        assert lies.null_descriptors() <= nulls_before


def test_an_honest_script_is_a_working_sandbox(patient_client):
    outcome = exercise(patient_client, Script())
    assert outcome.error is None, outcome.error
    assert outcome.sandbox.state == "running"
    close(outcome)


def lying_answers(kind: str, request: int, data: st.DataObject) -> tuple[list[Answer], str]:
    """What the liar answers to request number `request` for a lie of `kind`, and what the
    client must do: "stop" the liar, "ignore" the lie, "fail" the call, or "time out"."""
    honest = lies.honest_replies()[getattr(_request_types(), REQUESTS[request])]
    if kind == "garbage":
        payload = data.draw(st.binary(min_size=1, max_size=256))
        framed = struct.pack("<I", len(payload)) + payload
        return [Answer(framed), Answer(honest)], "stop" if not _native.verify_sandbox_message(payload) else "any"
    if kind == "mutated":
        frame = mutated(honest[4:], data)
        framed = struct.pack("<I", len(frame)) + frame
        return [Answer(framed), Answer(honest)], "any"
    if kind == "huge length":
        size = data.draw(st.integers(MAX_FRAME_BYTES + 1, 2**32 - 1))
        return [Answer(struct.pack("<I", size) + b"\0" * 16)], "stop"
    if kind == "short frame":
        # A length that promises more than ever comes: the honest reply is swallowed.
        return [Answer(struct.pack("<I", 1 << 20)), Answer(honest)], "time out"
    if kind == "unknown id":
        other = data.draw(st.integers(0, 2**64 - 1).filter(lambda i: i > 1000))
        reply = data.draw(st.sampled_from(sorted(REPLIES)))
        stray = REPLIES[reply]().replace(struct.pack("<Q", lies.ID_MARK), struct.pack("<Q", other))
        return [Answer(stray), Answer(honest)], "ignore"
    if kind == "duplicate":
        return [Answer(honest), Answer(honest)], "ignore"
    if kind == "descriptor flood":
        count = data.draw(st.integers(1, 250))
        return [Answer(lies.log(0, 1, "flood"), fds=count), Answer(honest, fds=count)], "ignore"
    if kind == "wrong reply":
        reply = data.draw(st.sampled_from(sorted(set(REPLIES) - {EXPECTED_REPLY[REQUESTS[request]]})))
        return [Answer(REPLIES[reply]())], "stop"
    if kind == "failure":
        code = data.draw(st.integers(0, 2**16 - 1))
        return [Answer(lies.failure(code, data.draw(st.text(max_size=5000))))], "fail"
    raise AssertionError(kind)


def _request_types():
    from scuff.protocol.Request import Request
    return Request


LIES = ["garbage", "mutated", "huge length", "short frame", "unknown id", "duplicate", "descriptor flood",
        "wrong reply", "failure"]


@settings(PROCESS_FUZZ, max_examples=examples(120))
@given(st.sampled_from(LIES), st.integers(0, len(REQUESTS) - 1), st.data())
def test_a_lying_answer_stops_the_sandbox_or_is_ignored(client, kind, request, data):
    answer, expected = lying_answers(kind, request, data)
    nulls = lies.null_descriptors()
    outcome = exercise(client, Script(answers=[None] * request + [answer]))
    try:
        if expected == "stop":
            assert outcome.failed_at == step_of(request), outcome.error
            assert_stopped_for_lying(outcome.sandbox)
        elif expected == "ignore":
            assert outcome.error is None, outcome.error
            assert outcome.sandbox.state == "running"
        elif expected == "fail":
            assert outcome.failed_at == step_of(request)
            assert not isinstance(outcome.error, ProtocolError), outcome.error
            assert outcome.sandbox.state == "running"
        elif expected == "time out":
            assert outcome.failed_at == step_of(request)
            assert isinstance(outcome.error, scuff.SandboxTimeoutError), outcome.error
            assert outcome.sandbox.state == "unresponsive"
        if outcome.sandbox.state == "crashed":
            assert outcome.sandbox.reason_code == scuff.Reason.PROTOCOL_ERROR, outcome.sandbox.reason
    finally:
        close(outcome, nulls if kind == "descriptor flood" else None)


def descriptions() -> st.SearchStrategy[Description]:
    """Descriptions of the liar's device, from honest to absurd."""
    u32 = st.integers(0, 2**32 - 1)
    channels = st.sampled_from([0, 1, 2, 64]) | st.integers(65, 2**32 - 1)
    ports = st.lists(st.builds(Port, channels=channels), max_size=3) | st.just([Port()] * 65)
    values = st.floats(-1e9, 1e9) | st.sampled_from([math.nan, math.inf, -math.inf])
    params = st.lists(st.builds(ParamSpec, id=u32, min=values, max=values, default=values), max_size=3)
    return st.builds(Description, device=st.just(lies.DEVICE_MARK) | u32, inputs=ports, outputs=ports,
                     params=params, latency=st.sampled_from([0, 64, 48000]) | u32,
                     note_inputs=st.integers(0, 70) | u32, note_outputs=st.integers(0, 70) | u32)


def description_is_honest(description: Description, first: Description) -> bool:
    """Whether the client may believe `description`, given that the device was (or will
    be) described as `first` too: both must have the same audio ports, since the device's
    memory is laid out for them."""
    ports = description.inputs + description.outputs
    params_sane = all(math.isfinite(p.min) and math.isfinite(p.max) and math.isfinite(p.default) and p.min <= p.max
                      for p in description.params)
    same_layout = ([p.channels for p in first.inputs], [p.channels for p in first.outputs]) == (
        [p.channels for p in description.inputs], [p.channels for p in description.outputs])
    return (description.device == lies.DEVICE_MARK and len(description.inputs) <= MAX_PORTS
            and len(description.outputs) <= MAX_PORTS and all(p.channels <= MAX_CHANNELS for p in ports)
            and params_sane and description.latency <= MAX_LATENCY and description.note_inputs <= MAX_PORTS
            and description.note_outputs <= MAX_PORTS and same_layout)


@settings(PROCESS_FUZZ, max_examples=examples(100))
@given(descriptions(), st.integers(0, 1))
def test_a_lying_description_of_a_device_stops_the_sandbox(patient_client, description, request):
    # The other reply is the honest Description(): both must agree on the audio ports.
    first = Description()
    answer = [Answer(lies.device_info(description))]
    outcome = exercise(patient_client, Script(answers=[None] * request + [answer]))
    try:
        if description_is_honest(description, first):
            assert outcome.failed_at != 0, outcome.error
        else:
            assert outcome.failed_at == 0
            assert isinstance(outcome.error, (ProtocolError, scuff.SandboxCrashedError)), outcome.error
            assert_stopped_for_lying(outcome.sandbox)
    finally:
        close(outcome)


def unprompted_messages(data: st.DataObject) -> tuple[bytes, str]:
    """A message the liar sends on its own, and what the client must do with it."""
    kind = data.draw(st.sampled_from(["log", "edit", "changed", "ready"]))
    u32 = st.integers(0, 2**32 - 1)
    if kind == "log":
        return lies.log(data.draw(u32), data.draw(st.integers(-128, 127)), data.draw(st.text(max_size=10000))), "ignore"
    if kind == "edit":
        device = data.draw(st.just(lies.DEVICE_MARK) | u32)
        value = data.draw(st.floats(allow_nan=True, allow_infinity=True))
        return lies.param_edited(device, data.draw(st.integers(0, 2) | u32), value), (
            "ignore" if math.isfinite(value) else "stop")
    if kind == "changed":
        description = data.draw(descriptions())
        if description.device == lies.DEVICE_MARK:
            honest = description_is_honest(description, Description())
        else:
            # About a device it does not host: only values out of range give it away.
            honest = description_is_honest(dataclasses.replace(description, device=lies.DEVICE_MARK), description)
        return lies.device_changed(description, data.draw(st.booleans())), "ignore" if honest else "stop"
    return lies.ready(data.draw(u32)), "ignore"


@settings(PROCESS_FUZZ, max_examples=examples(100))
@given(st.data())
def test_a_lying_message_of_its_own_stops_the_sandbox_or_is_ignored(patient_client, data):
    message, expected = unprompted_messages(data)
    honest = lies.honest_replies()[_request_types().GetParamValue]
    # Sent just before the reply to a request that names the device, so the device exists.
    outcome = exercise(patient_client, Script(answers=[None] * 3 + [[Answer(message), Answer(honest)]]))
    try:
        if expected == "stop":
            assert outcome.failed_at == step_of(3), outcome.error
            assert_stopped_for_lying(outcome.sandbox)
        else:
            assert outcome.error is None, outcome.error
            assert outcome.sandbox.state == "running"
    finally:
        close(outcome)


def test_a_changed_description_of_its_own_device_is_believed_from_then_on(patient_client):
    # A plugin may change its parameters while it lives (CLAP's rescan): a description of
    # the device it hosts, with the same ports and sane ranges, is no lie, even one that
    # narrows a range to a single value. (Found by the fuzz test above.)
    narrowed = Description(params=(ParamSpec(min=0.0, max=0.0, default=0.0), ParamSpec(id=7, name="Mix")))
    honest = lies.honest_replies()[_request_types().GetParamValue]
    changed = Answer(lies.device_changed(narrowed))
    outcome = exercise(patient_client, Script(answers=[None] * 3 + [[changed, Answer(honest)]]))
    try:
        assert outcome.error is None, outcome.error
        assert outcome.sandbox.state == "running"
        assert [(p.id, p.name, p.min, p.max) for p in outcome.device.params] == [
            (0, "Gain", 0.0, 0.0), (7, "Mix", 0.0, 1.0)]
        with pytest.raises(scuff.ParamError, match="outside the range of 'Gain' \\(0 to 0\\)"):
            outcome.device.set_param("Gain", 0.5)
        assert outcome.sandbox.state == "running"
    finally:
        close(outcome)


u32_bytes = st.integers(0, 2**32 - 1).map(lambda v: struct.pack("<I", v))
u64_bytes = st.integers(0, 2**64 - 1).map(lambda v: struct.pack("<Q", v))


def pokes() -> st.SearchStrategy[tuple[str, int, bytes]]:
    """A write a lying sandbox makes into shared memory: ring indices, ring items, the
    cycle handshake and the transport."""
    rings = [PARAMS_IN, PARAMS_OUT, EVENTS_IN, EVENTS_OUT]
    index = st.tuples(st.just("device"), st.sampled_from(rings).flatmap(lambda r: st.sampled_from([r, r + 64])),
                      u32_bytes | st.sampled_from([struct.pack("<I", 1024), struct.pack("<I", 2**32 - 1)]))
    items = st.tuples(st.just("device"), st.sampled_from(rings).flatmap(lambda r: st.integers(r + 128, r + 128 + 4000)),
                      st.binary(min_size=1, max_size=256))
    planes = st.tuples(st.just("device"), st.integers(HEADER_SIZE, HEADER_SIZE + 4 * BLOCK * 4),
                       st.binary(min_size=4, max_size=64))
    control = st.tuples(st.just("signals"), st.sampled_from([0, 4, 8, 16, 20, 64, 68, 72, 80]), u64_bytes)
    transport = st.tuples(st.just("signals"), st.integers(128, CONTROL_BLOCK_SIZE - 8), u64_bytes)
    return index | items | planes | control | transport


def event_record() -> st.SearchStrategy[bytes]:
    """A NoteEvent (shared_layout.hpp) whose fields are each in or out of their range."""
    def some(valid: st.SearchStrategy[int], bits: int, signed: bool = False) -> st.SearchStrategy[int]:
        low, high = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if signed else (0, 2**bits - 1)
        return valid | st.integers(low, high)

    return st.builds(
        lambda frame, port, kind, channel, key, size, midi, note_id, velocity: struct.pack(
            "<IHBBhB3s2xif", frame, port, kind, channel, key, size, midi, note_id, velocity),
        some(st.integers(0, BLOCK - 1), 32), some(st.integers(0, 2), 16), some(st.integers(0, 3), 8),
        some(st.integers(0, 15), 8), some(st.integers(0, 127), 16, signed=True), some(st.integers(1, 3), 8),
        st.binary(min_size=3, max_size=3), some(st.integers(-1, 100), 32, signed=True),
        st.floats(0, 1, width=32) | st.floats(width=32))


def event_records(data: st.DataObject) -> list[tuple[str, int, bytes]]:
    """Events the liar claims its device output, and a write index that says how many."""
    records = data.draw(st.lists(event_record(), min_size=1, max_size=8))
    return [("device", EVENTS_OUT + 128, b"".join(records)), ("device", EVENTS_OUT, struct.pack("<I", len(records))),
            ("device", EVENTS_OUT + 64, struct.pack("<I", 0))]


@settings(PROCESS_FUZZ, max_examples=examples(100))
@given(st.lists(pokes(), max_size=6), st.sampled_from(["honest", "honest", "jump", "none"]), st.data())
def test_lying_shared_memory_never_crashes_the_client_nor_holds_it_past_its_deadline(client, writes, cycles, data):
    if data.draw(st.booleans()):
        writes = writes + event_records(data)
    script = Script(description=Description(note_inputs=1, note_outputs=1), cycles=cycles, pokes=writes)
    group = client.create_group(sample_rate=48000, block_size=BLOCK)
    group.cycle_timeout = 0.05
    try:
        with lies.lying_sandboxes(script):
            device = group.create_sandbox().create_device(lies.plugin_file())
        x = np.ones((2, BLOCK * 3), np.float32)
        for _ in range(3):
            started = time.monotonic()
            try:
                y = group.render({device: x}, device, events={device: [scuff.NoteOn(1, 60)]})
                assert y.shape == (2, BLOCK * 3)
            except scuff.SandboxError as error:
                # A sandbox that did not finish a cycle costs the render, not the client.
                assert "did not process every block" in str(error)
            assert time.monotonic() - started < 3 * group.cycle_timeout + SLACK
            for port, event in device.output_events:
                assert 0 <= port < device.note_outputs
                assert 0 <= event.frame < BLOCK * 3
        if cycles != "honest":
            assert device.sandbox.missed_cycles > 0
        assert device.sandbox.state in ("running", "unresponsive")
    finally:
        group.close()


REPORTS = [b"confinement " + b"[" * 20000, b"confinement " + b'{"items": [' * 2000, b"refused x \xc2\xb2",
           b"refused " + "\u00b2".encode() * 3, b'confinement {"items": {}}', b'confinement {"items": "abc"}',
           b"forbidden-syscall 1 " + b"x" * 20000, b"memory-limit", b"\xff\xfe" * 5000]


@pytest.mark.pure
@settings(FUZZ, max_examples=examples(300))
@given(st.lists(st.sampled_from(REPORTS) | st.binary(max_size=200) | st.text(max_size=100).map(str.encode), max_size=5),
       st.lists(st.integers(64, 100_000), min_size=1, max_size=4))
def test_any_report_is_read_without_an_error(lines, cuts):
    reader = ReportReader(scuff.SandboxLimits(), lambda: "liar", lambda confinement: None)
    stream = b"\n".join(lines) + b"\n"
    at = 0
    for cut in cuts * (len(stream) // sum(cuts) + 1):
        reader.feed(stream[at:at + cut])
        at += cut


@settings(PROCESS_FUZZ, max_examples=examples(10))
@given(st.lists(st.sampled_from(REPORTS) | st.binary(max_size=2000), max_size=4))
def test_a_lying_report_is_read_within_bounds(patient_client, lines):
    report = b"\n".join(lines) + b'\nconfinement {"items": []}\n'
    outcome = exercise(patient_client, Script(report=report))
    try:
        assert outcome.error is None, outcome.error
        assert isinstance(outcome.sandbox.confinement, scuff.Confinement)
    finally:
        close(outcome)


def test_a_lie_before_ready_fails_the_start_within_its_deadline(client):
    group = client.create_group(sample_rate=48000, block_size=BLOCK)
    try:
        with lies.lying_sandboxes(Script(before_ready=[struct.pack("<I", 3) + b"abc"])):
            started = time.monotonic()
            with pytest.raises(scuff.SandboxError, match="failed to start"):
                group.create_sandbox()
            assert time.monotonic() - started < 2 + SLACK
    finally:
        group.close()
