"""Per-job parameter values: a grid of every combination, or random draws from a seed that
each job records, and the `INDEX:NAME` keys that say which plugin of the chain they set."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import ParamError
from .chain import ParamValue

# A range (low, high) draws uniformly; a list draws one of its values.
Space = tuple[float, float] | list[float] | list[int] | list[str] | list[ParamValue]


@dataclass(frozen=True)
class Draw:
    """One job's random parameter values, and the seed that gives them again: draw `index`
    of `seed` is `numpy.random.default_rng([seed, index])`'s, key by key in sorted order."""

    values: dict[str, ParamValue]
    seed: int
    index: int


def grid(values: Mapping[str, Sequence[ParamValue]]) -> list[dict[str, ParamValue]]:
    """Every combination of the given values, the last key changing fastest:
    `grid({"0:Threshold": [-30, -20], "0:Ratio": [2, 4]})` gives four dicts."""
    keys = list(values)
    for key in keys:
        parse_key(key)
    return [dict(zip(keys, combination, strict=True)) for combination in itertools.product(*values.values())]


def random_params(space: Mapping[str, Space], count: int, seed: int) -> list[Draw]:
    """`count` draws of every key of `space`: a tuple (low, high) uniformly in [low, high), a
    list one of its values. Draw i depends on `seed` and i alone, so a job's values are the same
    whatever else is drawn, and the manifest records (seed, i) beside them."""
    if count < 0:
        raise ParamError(f"count must be 0 or more, not {count}")
    for key in space:
        parse_key(key)
    draws = []
    for index in range(count):
        rng = np.random.default_rng([seed, index])
        values: dict[str, ParamValue] = {}
        for key in sorted(space):
            choices = space[key]
            if isinstance(choices, tuple):
                low, high = choices
                values[key] = float(rng.uniform(low, high))
            elif choices:
                picked: ParamValue = choices[int(rng.integers(len(choices)))]
                values[key] = picked if isinstance(picked, str) else float(picked)
            else:
                raise ParamError(f"{key}: no values to draw from")
        draws.append(Draw(values, seed, index))
    return draws


def parse_key(key: str) -> tuple[int, str | int]:
    """`INDEX:NAME` (NAME a parameter's name or id, INDEX the chain's plugin counted from 0), or
    NAME alone for plugin 0."""
    index, mark, name = key.partition(":")
    if not (mark and index.strip().isdigit()):
        index, name = "0", key
    name = name.strip()
    if not name or "=" in name:
        raise ParamError(f"a parameter key is INDEX:NAME or NAME, not {key!r}")
    return int(index), int(name) if name.isdigit() else name
