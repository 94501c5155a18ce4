"""A preset a CLAP plugin's preset discovery lists, and where it loads from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class ClapPreset:
    """One preset a CLAP plugin lists (`Device.clap_presets`): its name, and the location
    `Device.load_clap_preset` takes it from: a file (`kind` "file", `location` its path) or
    the plugin itself (`kind` "plugin", no location), and the load key that picks it there."""

    name: str
    kind: Literal["file", "plugin"]
    location: str | None
    load_key: str | None
