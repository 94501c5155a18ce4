"""What a scan found out about one plugin."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class PluginInfo:
    """One plugin inside a plugin file, as the scanner reported it."""

    id: str
    name: str
    vendor: str
    version: str
    format: Literal["clap", "vst3"]
    path: str
    features: tuple[str, ...] = field(default_factory=tuple)
    has_gui: bool = False
    description: str = ""
    audio_inputs: tuple[int, ...] = field(default_factory=tuple)
    audio_outputs: tuple[int, ...] = field(default_factory=tuple)
    note_inputs: int = 0
    note_outputs: int = 0
    param_count: int = 0


@dataclass(frozen=True)
class BrokenPlugin:
    """A plugin file the scanner could not read, and why. When the file's other plugins
    could be read and only one could not, `plugin_id` names that one."""

    path: str
    error: str
    plugin_id: str = ""
