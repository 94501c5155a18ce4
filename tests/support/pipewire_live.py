"""Run as `pw-jack python -m support.pipewire_live` (from tests/): plays a Zam chain live
through PipeWire's JACK, records it with a JACK client, and checks it against the offline
render. A process of its own, because the libjack it loads must be PipeWire's, which
pw-jack puts first on LD_LIBRARY_PATH. Prints what it checked; exits 0 when the recording
equals the render, INCONCLUSIVE when a feeding or recording client (Python callbacks)
missed a period, which PipeWire reports to no other client, and 1 otherwise."""

from __future__ import annotations

import pathlib
import sys
from typing import Any

import numpy as np

import scuff
from scuff import live
from support.jack_server import Player
from support.live_accounting import first_incident, settled
from support.signals import noise

ZAM_COMP = pathlib.Path("/usr/lib/clap/ZamComp.clap")
PARAMS = {"Threshold": -30.0, "Ratio": 5.75, "Makeup": 7.5}
# PipeWire's JACK takes "default" for its default daemon (the one XDG_RUNTIME_DIR leads to).
SERVER = "default"
INCONCLUSIVE = 2


class WatchedPlayer(Player):
    """A Player that keeps the frame time of every period its callback ran."""

    def __init__(self, server: str, **kwargs: Any) -> None:
        self.periods: list[int] = []  # before the client is activated, in Player's constructor
        super().__init__(server, **kwargs)

    def _process(self, frames: int) -> None:
        self.periods.append(self.client.last_frame_time)
        super()._process(frames)

    def missed(self, start: int, end: int, period: int) -> bool:
        """Whether the callback skipped a period between frame times `start` and `end`."""
        times = [time for time in self.periods if start - period <= time <= end]
        return not times or any(b - a != period for a, b in zip(times, times[1:], strict=False))


def loaded_libjack() -> str:
    with open("/proc/self/maps") as maps:
        for line in maps:
            if "libjack.so" in line:
                return line.split()[-1]
    return ""


def main() -> int:
    rate, period = live.server_info(SERVER)
    library = loaded_libjack()
    print(f"libjack: {library}; server at {rate} Hz, {period} frames")
    if "pipewire" not in library:
        print("not PipeWire's libjack")
        return 1
    frames = rate // 2
    x = noise(1, frames, seed=5, level=0.4)[0] * np.linspace(0.05, 1, frames, dtype=np.float32)
    with scuff.Client() as client:
        group = client.create_group(sample_rate=rate, block_size=period)
        comp = group.create_sandbox().create_device(ZAM_COMP)
        for name, value in PARAMS.items():
            comp.set_param(name, value)
        feeder = WatchedPlayer(SERVER, outputs=1, name="feeder")
        recorder = WatchedPlayer(SERVER, inputs=1, name="recorder")
        try:
            with live.JackHost(group, inputs=[comp], outputs=[comp], name="scuff", server=SERVER) as host:
                host.connect_inputs([f"{feeder.client.name}:out_1"])
                host.connect_outputs([f"{recorder.client.name}:in_1"])
                recorder.wait_frames(4 * period)
                host.reset_stats()
                recorder.record()
                feeder.play([x])
                recorder.wait_frames(frames + 4 * period)
                recorder.stop_recording()
                stats, incidents = settled(host, recorder)
        finally:
            feeder.close()
            recorder.close()
        first, recorded = recorder.recording(0)
        offset = feeder.start - first
        played = recorded[np.newaxis, offset:offset + frames]
        offline = client.create_group(sample_rate=rate, block_size=period)
        comp2 = offline.create_sandbox().create_device(ZAM_COMP)
        for name, value in PARAMS.items():
            comp2.set_param(name, value)
        lead = 4 * period
        padded = np.concatenate([np.zeros(lead, np.float32), x])[np.newaxis]
        rendered = offline.render({comp2.input(0): padded}, comp2.output(0))[:, lead:]
    end = feeder.start + frames
    if feeder.missed(feeder.start, end, period) or recorder.missed(feeder.start, end, period):
        print("inconclusive: the feeding or recording client missed a period")
        return INCONCLUSIVE
    start = first_incident(feeder.start, incidents)
    upto = frames if start is None else min(start, frames)
    print(f"cycles {stats.cycles}, incidents {len(incidents)}; compared {upto} of {frames} frames")
    if offset < 0 or played.shape[1] != frames or upto < frames // 4 or np.abs(rendered).max() < 0.1:
        print(f"too little played to compare: offset {offset}, {played.shape[1]} frames played, "
              f"rendered peak {np.abs(rendered).max():.3f}, played peak {np.nanmax(np.abs(played)):.3f}")
        return 1
    np.testing.assert_allclose(played[:, :upto], rendered[:, :upto], rtol=0, atol=1e-6)
    print("played equals rendered")
    return 0


if __name__ == "__main__":
    sys.exit(main())
