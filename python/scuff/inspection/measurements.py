"""What the inspector measures from a test signal and a plugin's output: the impulse and
frequency responses, the latency they show, and CPU and memory over time."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Response:
    """What the plugin did to the test signal, from its first input channel to its first
    output channel: an impulse response and a frequency response (magnitude in dB, phase in
    radians with the measured latency taken out, so that a pure delay reads flat)."""

    impulse: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    frequencies_hz: np.ndarray = field(default_factory=lambda: np.zeros(0))
    magnitude_db: np.ndarray = field(default_factory=lambda: np.zeros(0))
    phase_rad: np.ndarray = field(default_factory=lambda: np.zeros(0))


@dataclass(frozen=True)
class Timeline:
    """CPU share (percent of one core) and resident memory of the sandbox while the signal played."""

    seconds: tuple[float, ...] = ()
    cpu_percent: tuple[float, ...] = ()
    memory_bytes: tuple[int, ...] = ()



def measure_response(signal: np.ndarray, output: np.ndarray, sample_rate: float,
                     segment: int = 4096) -> Response:
    """The impulse response (by deconvolution of the whole signal, so a latency of up to the
    signal's length is seen) and the frequency response (Welch's cross-spectrum over Hann
    windows of `segment` samples, smoother than the deconvolution's), with the latency taken out."""
    n = len(signal)
    size = 1 << (2 * n - 1).bit_length()
    x = np.fft.rfft(signal.astype(np.float64), size)
    y = np.fft.rfft(output[:n].astype(np.float64), size)
    power = np.abs(x) ** 2
    impulse = np.fft.irfft(y * np.conj(x) / (power + 1e-9 * power.mean()), size)[:n]
    measured = latency_of(impulse)
    delay = 0 if measured is None else measured
    # Each output window is taken `delay` samples after its input window, so a pure delay reads
    # exactly flat (no leakage between misaligned windows) and the phase has the latency taken out.
    segment = min(segment, 1 << ((n - delay).bit_length() - 1))
    window = np.hanning(segment)
    hop = segment // 2
    cross = np.zeros(segment // 2 + 1, complex)
    auto = np.zeros(segment // 2 + 1)
    for start in range(0, n - delay - segment + 1, hop):
        xs = np.fft.rfft(signal[start:start + segment] * window)
        ys = np.fft.rfft(output[start + delay:start + delay + segment] * window)
        cross += ys * np.conj(xs)
        auto += np.abs(xs) ** 2
    transfer = cross / np.maximum(auto, 1e-30)
    frequencies = np.fft.rfftfreq(segment, 1 / sample_rate)
    phase = np.angle(transfer)
    magnitude = 20 * np.log10(np.maximum(np.abs(transfer), 1e-12))
    return Response(impulse.astype(np.float32), frequencies[1:], magnitude[1:], phase[1:])


def latency_of(impulse: np.ndarray) -> int | None:
    """Where the impulse response peaks; None when the plugin gave (nearly) nothing."""
    if impulse.size == 0:
        return None
    magnitude = np.abs(impulse)
    peak = int(np.argmax(magnitude))
    if not math.isfinite(float(magnitude[peak])) or magnitude[peak] < 1e-4:
        return None
    return peak
