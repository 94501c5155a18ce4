"""The rack played live through JACK: the chain's ends as the JACK client's ports, the
outputs connected to the server's playback ports, and what the page shows of it (the
client's counts and a meter per output channel)."""

from __future__ import annotations

from typing import Any

from ..errors import ScuffError
from ..host.group import Group
from ..live.jack_host import JackHost
from .chain_ends import default_note_target, default_sink, default_source
from .views import finite


class Player:
    """Plays `group` from the moment it is made until `close()`."""

    def __init__(self, group: Group, *, server: str | None = None, name: str = "scuff-studio") -> None:
        source, sink, notes = default_source(group), default_sink(group), default_note_target(group)
        if sink is None:
            raise ScuffError("no device has an audio output to play")
        self.source, self.sink, self.notes = source, sink, notes
        self.host = JackHost(group, inputs=[source] if source is not None else [], outputs=[sink],
                             note_inputs=[notes] if notes is not None else [],
                             name=name, server=server)
        try:
            playback = self.host.find_ports(kind="audio", outputs=False, physical=True)
            if playback:
                self.host.connect_outputs(playback[:len(self.host.output_ports)])
        except BaseException:
            self.host.close()
            raise

    def reading(self) -> dict[str, Any]:
        """The counts since playing started and each output channel's peak since the last
        reading."""
        stats = self.host.stats()
        return {"playing": True, "client": self.host.name, "source": self.source.id if self.source else None,
                "sink": self.sink.id, "cycles": stats.cycles, "xruns": stats.xruns, "late_cycles": stats.late_cycles,
                "busy_cycles": stats.busy_cycles, "refused_cycles": stats.refused_cycles,
                "cpu_load": finite(stats.cpu_load), "buffer_size": stats.buffer_size,
                "server_gone": stats.server_gone, "peaks": [finite(p) for p in self.host.take_output_peaks()]}

    def close(self) -> None:
        self.host.close()
