"""Whether two fresh instances of the plugin render the same: what the state and reset tests
ask before they blame a difference on the state or the reset, so that a plugin that is not
deterministic fails the determinism test alone."""

from __future__ import annotations

import numpy as np

from .bench import Bench
from .signals import difference


def differ_between_fresh_instances(bench: Bench, values: dict[int, float], signal: np.ndarray,
                                   expected: np.ndarray) -> bool:
    """Renders `signal` in one more fresh instance with `values` set: whether it differs from
    `expected`, rendered the same way in another."""
    rig = bench.rig()
    for param, value in values.items():
        rig.device.set_param(param, value)
    return difference(rig.render(signal), expected) > bench.tol.determinism_tolerance
