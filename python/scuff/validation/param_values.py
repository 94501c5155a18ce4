"""Parameter values the tests set and read back: which parameters a host may set, random
values within their ranges, and how far a value read back may be from the one set."""

from __future__ import annotations

import numpy as np

from ..host.device import Device
from ..wire.param import Param


def settable(device: Device) -> list[Param]:
    """The parameters a host sets: neither read-only (meters) nor hidden."""
    return [p for p in device.params if not p.is_readonly and not p.is_hidden]


def random_value(param: Param, rng: np.random.Generator) -> float:
    if param.is_stepped:
        return float(rng.integers(int(np.ceil(param.min)), int(np.floor(param.max)) + 1))
    return float(rng.uniform(param.min, param.max))


def random_values(device: Device, rng: np.random.Generator) -> dict[int, float]:
    return {p.id: random_value(p, rng) for p in settable(device)}


def expected_value(param: Param, value: float) -> float:
    return float(round(value)) if param.is_stepped else value


def readback_problems(device: Device, values: dict[int, float], tolerance: float, when: str) -> list[str]:
    """Each parameter whose value read back is further from the one set than `tolerance` of its range."""
    problems = []
    for param_id, value in values.items():
        param = device.param(param_id)
        got = device.get_param(param_id)
        allowed = tolerance * max(param.max - param.min, 1e-12)
        if not abs(got - expected_value(param, value)) <= allowed:
            problems.append(f"{param.name!r} is {got:.6g} {when}, set to {value:.6g}")
    return problems
