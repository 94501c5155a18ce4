"""A stand-in for scuff-sbox that lies to the client, following a script.

The tests start it in place of the real executable (`tests/support/lies.py` points the
client's `executable` lookup at it), so the client runs its real code paths: the same
arguments, the same control socket, report pipe and shared memory. It imports only the
standard library, so it starts fast. The script is JSON in the file named by
SCUFF_LYING_SCRIPT:

- "report": bytes for the report pipe (hex); "before_ready": raw bytes sent before the
  Ready frame; "ready": the Ready frame; "unprompted": raw bytes sent right after it.
- "answers": for the n-th request received (0-based), a list of {"data", "fds"}: frames
  sent in answer, instead of the honest one, with SCM_RIGHTS descriptors beside the first
  when "fds" > 0. A request without a listed answer gets the honest one, "honest" keyed by
  request type. In every frame the 8 bytes ID_MARK become the request's id and the 4
  bytes DEVICE_MARK the device id the request named.
- "cycles": how the audio thread answers a cycle: "honest", "none", or "jump" (a completed
  cycle number the client never asked for); "pokes": writes into shared memory before each
  cycle completes, {"segment": "signals" or "device", "offset", "data"}.

Every byte sent is prepared by the test; this process only follows the script.
"""

import ctypes
import json
import mmap
import os
import socket
import struct
import sys
import threading
import time

ID_MARK = struct.pack("<Q", 0x5C0FF5C0FF5C0FF5)
DEVICE_MARK = struct.pack("<I", 0x5C0FDE71)
# SandboxControlBlock (cpp/common/include/scuff/shared_layout.hpp).
REQUESTED_CYCLE, TO_CLIENT_SEQUENCE, TO_CLIENT_SLEEPERS, COMPLETED_CYCLE = 8, 64, 68, 72
CHUNK_BLOCKS, CHUNK_PROGRESS = 28, 88
FUTEX_WAKE = 1
SYS_FUTEX = 202 if os.uname().machine == "x86_64" else 98


def argument(name):
    return int(sys.argv[sys.argv.index(name) + 1])


def table(buffer, position, slot):
    """Where field `slot` of the FlatBuffers table at `position` lives, or None."""
    vtable = position - struct.unpack_from("<i", buffer, position)[0]
    vtable_size = struct.unpack_from("<H", buffer, vtable)[0]
    if 4 + 2 * slot >= vtable_size:
        return None
    offset = struct.unpack_from("<H", buffer, vtable + 4 + 2 * slot)[0]
    return position + offset if offset else None


def request_fields(frame):
    """(id, request type, device) of a ClientMessage; the device is the request table's
    first field, which every request naming a device has."""
    root = struct.unpack_from("<I", frame, 0)[0]
    at = table(frame, root, 0)
    request_id = struct.unpack_from("<Q", frame, at)[0] if at else 0
    at = table(frame, root, 1)
    kind = frame[at] if at else 0
    device = 0
    at = table(frame, root, 2)
    if at:
        request = at + struct.unpack_from("<I", frame, at)[0]
        field = table(frame, request, 0)
        if field:
            device = struct.unpack_from("<I", frame, field)[0]
    return request_id, kind, device


class Liar:
    def __init__(self, script):
        self.script = script
        self.control = socket.socket(fileno=argument("--control-fd"))
        signals_fd = argument("--signals-fd")
        self.signals = mmap.mmap(signals_fd, os.fstat(signals_fd).st_size)
        self.device = None
        self.received = 0
        self.buffer = b""
        self.held_fds = []
        libc = ctypes.CDLL(None, use_errno=True)
        self.syscall = libc.syscall
        self.syscall.restype = ctypes.c_long
        self.wake_word = ctypes.addressof(ctypes.c_char.from_buffer(self.signals, TO_CLIENT_SEQUENCE))

    def send(self, data, fds=0):
        ancillary, spare = [], []
        if fds:
            spare = [os.open("/dev/null", os.O_RDONLY) for _ in range(min(fds, 250))]
            ancillary = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, struct.pack(f"{len(spare)}i", *spare))]
        try:
            self.control.sendmsg([data], ancillary)
        except OSError:
            pass
        for fd in spare:
            os.close(fd)

    def frames(self):
        """Yields (frame, descriptors) for every request until the client closes."""
        while True:
            while len(self.buffer) >= 4:
                size = struct.unpack_from("<I", self.buffer)[0]
                if len(self.buffer) < 4 + size:
                    break
                frame, self.buffer = self.buffer[4:4 + size], self.buffer[4 + size:]
                yield frame
            try:
                data, ancillary, _, _ = self.control.recvmsg(1 << 16, socket.CMSG_SPACE(64 * 4))
            except OSError:
                return
            if not data:
                return
            for level, kind, payload in ancillary:
                if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                    count = len(payload) // 4
                    self.held_fds.extend(struct.unpack(f"{count}i", payload[:4 * count]))
            self.buffer += data

    def answer(self, frame):
        request_id, kind, device = request_fields(frame)
        if kind == self.script["attach_type"] and self.held_fds and self.device is None:
            fd = self.held_fds.pop(0)
            self.device = mmap.mmap(fd, os.fstat(fd).st_size)
        answers = self.script["answers"]
        planned = answers[self.received] if self.received < len(answers) else None
        self.received += 1
        if planned is None:
            planned = [{"data": self.script["honest"][str(kind)], "fds": 0}]
        for item in planned:
            data = bytes.fromhex(item["data"])
            data = data.replace(ID_MARK, struct.pack("<Q", request_id))
            data = data.replace(DEVICE_MARK, struct.pack("<I", device))
            self.send(data, item.get("fds", 0))

    def serve_cycles(self):
        mode = self.script["cycles"]
        pokes = self.script["pokes"]
        seen = struct.unpack_from("<Q", self.signals, REQUESTED_CYCLE)[0]
        while True:
            requested = struct.unpack_from("<Q", self.signals, REQUESTED_CYCLE)[0]
            if requested == seen:
                time.sleep(0.0002)
                continue
            seen = requested
            for poke in pokes:
                segment = self.signals if poke["segment"] == "signals" else self.device
                data = bytes.fromhex(poke["data"])
                if segment is not None and poke["offset"] + len(data) <= len(segment):
                    segment[poke["offset"]:poke["offset"] + len(data)] = data
            if mode == "none":
                continue
            completed = requested if mode == "honest" else (requested * 7919 + 13) & (2**64 - 1)
            if mode == "honest":
                # Every block of a chunk "processed" (chunk_blocks is 0 for a single block).
                blocks = struct.unpack_from("<I", self.signals, CHUNK_BLOCKS)[0]
                struct.pack_into("<I", self.signals, CHUNK_PROGRESS, blocks)
            struct.pack_into("<Q", self.signals, COMPLETED_CYCLE, completed)
            sequence = struct.unpack_from("<I", self.signals, TO_CLIENT_SEQUENCE)[0]
            struct.pack_into("<I", self.signals, TO_CLIENT_SEQUENCE, (sequence + 1) & 0xFFFFFFFF)
            self.syscall(SYS_FUTEX, ctypes.c_void_p(self.wake_word), FUTEX_WAKE, 0x7FFFFFFF, None, None, 0)

    def run(self):
        report_fd = argument("--report-fd")
        os.write(report_fd, bytes.fromhex(self.script["report"]))
        for data in self.script["before_ready"]:
            self.send(bytes.fromhex(data))
        self.send(bytes.fromhex(self.script["ready"]))
        for data in self.script["unprompted"]:
            self.send(bytes.fromhex(data["data"]), data.get("fds", 0))
        threading.Thread(target=self.serve_cycles, daemon=True).start()
        for frame in self.frames():
            try:
                self.answer(frame)
            except (struct.error, IndexError, KeyError, ValueError):
                pass
        return 0


if __name__ == "__main__":
    with open(os.environ["SCUFF_LYING_SCRIPT"]) as file:
        sys.exit(Liar(json.load(file)).run())
