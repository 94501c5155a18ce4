"""A plugin parameter, as the device describes it."""

from __future__ import annotations

from dataclasses import dataclass

# CLAP_PARAM_* flags that users ask about.
_IS_STEPPED = 1 << 0
_IS_HIDDEN = 1 << 2
_IS_READONLY = 1 << 3
_IS_AUTOMATABLE = 1 << 5


@dataclass(frozen=True)
class Param:
    """One parameter of a device: its id, name and range of plain values."""

    id: int
    name: str
    min: float
    max: float
    default: float
    module: str = ""
    flags: int = 0

    @property
    def is_stepped(self) -> bool:
        """True when only whole-number values are meaningful."""
        return bool(self.flags & _IS_STEPPED)

    @property
    def is_readonly(self) -> bool:
        """True for output parameters such as meters, which the host cannot set."""
        return bool(self.flags & _IS_READONLY)

    @property
    def is_hidden(self) -> bool:
        return bool(self.flags & _IS_HIDDEN)

    @property
    def is_automatable(self) -> bool:
        return bool(self.flags & _IS_AUTOMATABLE)
