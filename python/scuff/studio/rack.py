"""One rack: a group as the studio shows it, with the session file it was saved to or
loaded from, its renders, and what plays it live."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import ScuffError
from ..host.device import Device
from ..host.group import Group
from ..host.sandbox import Sandbox
from . import views
from .chain_ends import default_sink, default_source, devices_of
from .player import Player
from .views import Json


class Rack:
    def __init__(self, rack_id: int, group: Group, session_path: str = "") -> None:
        self.id = rack_id
        self.group = group
        self.session_path = session_path
        self.player: Player | None = None

    def devices(self) -> list[Device]:
        return devices_of(self.group)

    def view(self, sandbox_ids: dict[Sandbox, int]) -> Json:
        return {"id": self.id, "session_path": self.session_path, "playing": self.player is not None,
                **views.group_view(self.group, sandbox_ids)}

    def live_reading(self) -> Json:
        player = self.player
        if player is None:
            return {"playing": False}
        try:
            return player.reading()
        except ScuffError:
            return {"playing": False}

    def render(self, *, input_path: str, output_path: str, seconds: float, source: Device | None,
               sink: Device | None) -> Json:
        """Renders a file (or `seconds` of silence) into `source` (by default the first
        device with audio inputs that nothing feeds) and writes what `sink` (by default the
        last device that feeds nothing) puts out."""
        from ..batch.audio_files import read_audio, write_audio

        group = self.group
        if not self.devices():
            raise ScuffError(f"rack {self.id} is empty: add a plugin first")
        source = source if source is not None else default_source(group)
        sink = sink if sink is not None else default_sink(group)
        if sink is None or not sink.outputs:
            raise ScuffError("no device has an audio output to render")
        inputs: dict[Any, Any] = {}
        audio = read_audio(user_path(input_path)) if input_path else None
        if audio is not None:
            if source is None or not source.inputs:
                raise ScuffError("no device takes audio input: render without an input file")
            inputs[source.input(0)] = _fit_channels(audio.samples, source.inputs[0])
            frames = audio.samples.shape[1]
        else:
            frames = max(1, round(seconds * group.sample_rate))
        rendered = group.render(inputs, sink.output(0), frames=frames)
        target = user_path(output_path)
        write_audio(target, rendered, group.sample_rate, like=audio, subtype=None)
        peak = float(abs(rendered).max()) if rendered.size else 0.0
        return {"path": str(target), "frames": int(rendered.shape[1]), "channels": int(rendered.shape[0]),
                "peak": peak, "source": source.id if audio is not None and source is not None else None,
                "sink": sink.id}

    def play(self, server: str | None) -> None:
        if self.player is not None:
            raise ScuffError(f"rack {self.id} is playing already")
        self.player = Player(self.group, server=server, name=f"scuff-studio-{self.id}")

    def stop(self) -> None:
        player, self.player = self.player, None
        if player is not None:
            player.close()

    def check_not_played(self, device: Device) -> None:
        player = self.player
        if player is not None and device in (player.source, player.sink, player.notes):
            raise ScuffError(f"{device.label} (device {device.id}) is where rack {self.id} is played from or to: "
                             "stop first")

    def close(self) -> None:
        self.stop()
        self.group.close()


def user_path(path: str) -> Path:
    if not isinstance(path, str) or not path.strip():
        raise ScuffError("give a file's path")
    return Path(path.strip()).expanduser().absolute()


def _fit_channels(samples: Any, channels: int) -> Any:
    """A mono file feeds every channel of the input; other counts must match."""
    import numpy as np

    if samples.shape[0] == channels:
        return samples
    if samples.shape[0] == 1:
        return np.ascontiguousarray(np.repeat(samples, channels, axis=0))
    raise ScuffError(f"the file has {samples.shape[0]} channels and the input takes {channels}")
