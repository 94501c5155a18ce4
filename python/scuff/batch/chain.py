"""What a job renders through: plugins in order (output 0 to input 0, in one sandbox), or a
session file."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ScuffError
from ..scan.plugin_info import PluginInfo

ParamValue = float | str


@dataclass(frozen=True)
class Plugin:
    """One plugin of a chain: a file, a scanned id or a name (`plugin_id` picks one plugin of
    a file that holds several), and parameter values by name or id (a number in the plugin's
    plain units, or text the plugin reads, like "-12 dB")."""

    plugin: str | os.PathLike[str]
    plugin_id: str | None = None
    params: Mapping[str | int, ParamValue] = field(default_factory=dict)


@dataclass(frozen=True)
class Chain:
    """Plugins in order, each output 0 feeding the next one's input 0, all in one sandbox;
    or a session file (`Group.save_session`), whose first device (in the file's order) takes
    the input and whose last one's output 0 is rendered."""

    plugins: tuple[Plugin, ...] = ()
    session: Path | None = None

    def __post_init__(self) -> None:
        if bool(self.plugins) == (self.session is not None):
            raise ScuffError("a chain is plugins or a session file, one of the two")

    @staticmethod
    def of(plugins: Sequence[Plugin | str | os.PathLike[str]] = (), *,
           session: str | os.PathLike[str] | None = None) -> Chain:
        """A chain from plugin references (a Plugin, or a file, id or name) or a session file."""
        if session is not None:
            return Chain(session=Path(session).expanduser())
        return Chain(plugins=tuple(p if isinstance(p, Plugin) else Plugin(p) for p in plugins))


@dataclass(frozen=True)
class ResolvedPlugin:
    """A chain's plugin as found on this machine, with what the scan says of it."""

    path: str
    plugin_id: str | None
    name: str
    version: str
    format: str
    params: Mapping[str | int, ParamValue]
    # The scan's record, when the chain names plugins: devices are made from it, so a worker
    # need not look up the vendor (whose settings home a sandbox shows) for every job.
    info: PluginInfo | None = field(default=None, compare=False)

    def describe(self) -> dict[str, object]:
        return {"path": self.path, "plugin_id": self.plugin_id, "name": self.name, "version": self.version,
                "format": self.format, "params": {str(k): v for k, v in self.params.items()}}
