"""What each strictness level (1 to 10, 5 by default) runs and how strict its tolerances are.
The table is documented in docs/validator.md."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_STRICTNESS = 5
LOWEST, HIGHEST = 1, 10


@dataclass(frozen=True)
class Tolerances:
    """The limits the tests hold a plugin to at one strictness level."""

    strictness: int
    param_tolerance: float
    """A parameter read back may differ from what was set by this share of its range."""
    state_bytes_identical: bool
    """A second save of a loaded state must give the same bytes."""
    determinism_tolerance: float
    """Two renders of the same input and state may differ by this much (absolute, full scale 1)."""
    latency_tolerance: int
    """Measured latency may differ from the reported one by this many samples."""
    silence_level: float
    """Output below this (absolute) is silence."""
    max_tail_seconds: float
    """How long after its input stopped a plugin may still sound."""
    sample_rates: tuple[int, ...]
    block_sizes: tuple[int, ...]
    random_block_sizes: int
    """Blocks of random size (1 to 4096) rendered in one run."""
    random_values: int
    """Random values each parameter is set to, beside its minimum, maximum and default."""
    realtime_kinds: tuple[str, ...]
    """What the real-time test counts: allocations, locks, system calls, context switches."""
    rounds: int
    """How many times the randomised tests repeat, each with a seed of its own."""


def tolerances(strictness: int) -> Tolerances:
    """The tolerances of `strictness` (1 to 10)."""
    if not LOWEST <= strictness <= HIGHEST:
        raise ValueError(f"strictness is {LOWEST} to {HIGHEST}, not {strictness}")
    s = strictness
    return Tolerances(
        strictness=s,
        param_tolerance=1e-3 if s <= 3 else 1e-5 if s <= 5 else 1e-7,
        state_bytes_identical=s >= 5,
        determinism_tolerance=1e-4 if s <= 3 else 1e-6 if s <= 5 else 0.0,
        latency_tolerance=8 if s <= 3 else 2 if s <= 6 else 0,
        silence_level=1e-5 if s <= 5 else 1e-7,
        max_tail_seconds=30.0 if s <= 3 else 10.0 if s <= 6 else 5.0,
        sample_rates=(44100, 48000, 96000) if s <= 4 else (44100, 48000, 88200, 96000, 176400, 192000),
        block_sizes=(1, 64, 512, 4096) if s <= 4 else (1, 2, 3, 16, 64, 100, 512, 1024, 4096),
        random_block_sizes=0 if s <= 4 else 32 * (s - 4),
        random_values=max(0, s - 3),
        realtime_kinds=(("allocated memory", "freed memory", "waited for a lock") if s <= 4 else
                        ("allocated memory", "freed memory", "waited for a lock", "made a blocking system call")
                        if s <= 6 else
                        ("allocated memory", "freed memory", "waited for a lock", "made a blocking system call",
                         "gave up the processor")),
        rounds=1 if s <= 5 else s - 4,
    )
