"""What a scan found out about one plugin."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class PluginInfo:
    """One plugin inside a plugin file, as the scanner reported it.

    `audio_inputs` and `audio_outputs` hold the channel count of each port. They,
    `note_inputs`, `note_outputs`, `param_count` and `has_gui` are known only from a
    loaded plugin: they are None ("unknown") for a VST3 plugin listed from its bundle's
    moduleinfo.json, which the scan reads instead of loading the module (unless told
    `load_modules=True`)."""

    id: str
    name: str
    vendor: str
    version: str
    format: Literal["clap", "vst3"]
    path: str
    features: tuple[str, ...] = field(default_factory=tuple)
    has_gui: bool | None = False
    description: str = ""
    audio_inputs: tuple[int, ...] | None = field(default_factory=tuple)
    audio_outputs: tuple[int, ...] | None = field(default_factory=tuple)
    note_inputs: int | None = 0
    note_outputs: int | None = 0
    param_count: int | None = 0


@dataclass(frozen=True)
class BrokenPlugin:
    """A plugin file the scanner could not read, and why. When the file's other plugins
    could be read and only one could not, `plugin_id` names that one."""

    path: str
    error: str
    plugin_id: str = ""
