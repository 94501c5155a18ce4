"""What the tests look for in a plugin's output: non-finite samples, denormals, silence, how
far two renders differ, and the delay between input and output."""

from __future__ import annotations

import numpy as np

# The smallest normal float32: anything smaller but not zero is a denormal.
SMALLEST_NORMAL = float(np.finfo(np.float32).tiny)


def non_finite(output: np.ndarray) -> int:
    return int(np.count_nonzero(~np.isfinite(output)))


def denormals(output: np.ndarray) -> int:
    magnitude = np.abs(output)
    return int(np.count_nonzero((magnitude > 0) & (magnitude < SMALLEST_NORMAL)))


def peak(output: np.ndarray) -> float:
    finite = output[np.isfinite(output)]
    return float(np.max(np.abs(finite))) if finite.size else 0.0


def difference(a: np.ndarray, b: np.ndarray) -> float:
    """The largest absolute difference between two renders of the same shape (inf when a
    sample is finite in one and not the other)."""
    if a.shape != b.shape:
        return float("inf")
    both = np.isfinite(a) & np.isfinite(b)
    if np.any(np.isfinite(a) != np.isfinite(b)):
        return float("inf")
    return float(np.max(np.abs(a[both].astype(np.float64) - b[both]))) if both.any() else 0.0


def delay(signal: np.ndarray, output: np.ndarray) -> int | None:
    """The lag at which the output (its first channel) best matches the input, by
    cross-correlation; None when the output does not resemble the input at all."""
    x = signal.astype(np.float64)
    y = output[0].astype(np.float64) if output.ndim == 2 else output.astype(np.float64)
    if not np.all(np.isfinite(y)) or np.max(np.abs(y)) < 1e-6:
        return None
    size = 1 << (2 * len(x) - 1).bit_length()
    correlation = np.fft.irfft(np.fft.rfft(y, size) * np.conj(np.fft.rfft(x, size)), size)[:len(x)]
    lag = int(np.argmax(np.abs(correlation)))
    strength = abs(correlation[lag]) / (np.linalg.norm(x) * np.linalg.norm(y) + 1e-30)
    return lag if strength > 0.2 else None
