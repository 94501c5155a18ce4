"""Chunked offline rendering: the chunk segment each sandbox is given for `Group.render`,
sized from a memory budget, and the settings that choose chunking (docs/graph.md,
"Chunked rendering")."""

from __future__ import annotations

import os
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .._native import ChunkMemory, DeviceMemory
from ..errors import ScuffError
from ..wire import requests

if TYPE_CHECKING:
    from ..process.sandbox_process import SandboxProcess
    from .sandbox import Sandbox

# What a sandbox's chunk segment may take by default: its blocks are as many as fit.
CHUNK_BUDGET = 16 * 2**20
# The most blocks a chunk holds (kMaxChunkBlocks in scuff/chunk_layout.hpp).
MAX_CHUNK_BLOCKS = 4096


def chunked_by_default() -> bool:
    """Whether renders are chunked when they do not say: SCUFF_RENDER_CHUNKED=0 turns it off."""
    return os.environ.get("SCUFF_RENDER_CHUNKED", "1") != "0"


def max_chunk_blocks_by_default() -> int:
    """The most blocks per chunk when the group does not say: SCUFF_CHUNK_BLOCKS, else no
    limit but the segment's."""
    setting = os.environ.get("SCUFF_CHUNK_BLOCKS")
    if not setting:
        return MAX_CHUNK_BLOCKS
    try:
        blocks = int(setting)
    except ValueError:
        raise ScuffError(f"SCUFF_CHUNK_BLOCKS must be a whole number of blocks, not {setting!r}") from None
    if not 1 <= blocks <= MAX_CHUNK_BLOCKS:
        raise ScuffError(f"SCUFF_CHUNK_BLOCKS must be between 1 and {MAX_CHUNK_BLOCKS}, not {blocks}")
    return blocks


@dataclass(frozen=True)
class SentChunk:
    """A chunk segment as one process of a sandbox holds it."""

    process: SandboxProcess
    # Each device's id, memory and port shapes: another set of devices needs another segment.
    shape: tuple[object, ...]
    budget: int
    memory: ChunkMemory


# What each sandbox holds; a sandbox that is gone takes its entry with it.
_sent: weakref.WeakKeyDictionary[Sandbox, SentChunk] = weakref.WeakKeyDictionary()


def _parts(sandbox: Sandbox) -> list[requests.ChunkPart]:
    return [requests.ChunkPart(device.id, tuple(device.inputs), tuple(device.outputs),
                               device.note_inputs > 0, device.note_outputs > 0)
            for device in sorted(sandbox.devices, key=lambda device: device.id)]


def sandbox_chunk(sandbox: Sandbox, budget: int) -> ChunkMemory | None:
    """The chunk segment of a running sandbox's current process, sent first if it holds none
    for its present devices; None when it cannot be given one (it is late, or the request
    failed), and the render then runs block by block."""
    parts = _parts(sandbox)
    devices = {device.id: device for device in sandbox.devices}
    shape = tuple((part, id(devices[part.device]._memory)) for part in parts)
    process = sandbox._current
    sent = _sent.get(sandbox)
    if sent is not None and sent.process is process and sent.shape == shape and sent.budget == budget:
        return sent.memory
    if sandbox.late:
        return None  # its audio thread is busy with a cycle it was given: it cannot map one now
    members: list[tuple[DeviceMemory, bool, bool]] = [
        (devices[part.device]._memory, part.note_inputs, part.note_outputs) for part in parts]
    block_size = sandbox.group.block_size
    per_block = ChunkMemory.bytes_per_block(members, block_size)
    blocks = max(1, min(MAX_CHUNK_BLOCKS, budget // max(1, per_block)))
    memory = ChunkMemory(sandbox._signals, members, blocks, block_size)
    try:
        sandbox.request(requests.set_chunk_memory(memory.size, blocks, parts), fds=[memory.fd])
    except ScuffError:
        return None
    _sent[sandbox] = SentChunk(process, shape, budget, memory)
    return memory
