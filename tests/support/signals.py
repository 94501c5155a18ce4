"""Test signals."""

import numpy as np


def noise(channels: int, frames: int, seed: int = 0, level: float = 0.5) -> np.ndarray:
    """Reproducible float32 test signal shaped (channels, frames)."""
    rng = np.random.default_rng(seed)
    return (rng.uniform(-level, level, size=(channels, frames))).astype(np.float32)
