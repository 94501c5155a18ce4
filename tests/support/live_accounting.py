"""Accounting for a live recording: every sample that differs from what the graph gives
offline must lie in a period the JackHost reported as an incident (scuff.live.LiveIncident)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from scuff.live import JackHost, LiveIncident, LiveStats
from support.jack_server import SAMPLE_RATE, Player

# The server reports an xrun on its notification thread, some periods after the one it
# concerns (about three of 64 frames on a quiet machine): an xrun accounts for everything
# from this long before the frame it was reported at.
XRUN_REACH = SAMPLE_RATE // 4


def settled(host: JackHost, recorder: Player) -> tuple[LiveStats, list[LiveIncident]]:
    """The host's statistics and incidents once every xrun about what `recorder` recorded
    has been reported: the server's notification thread is not realtime, so on a busy
    machine a report may come well after the periods it concerns, which goes on playing.
    Up to XRUN_REACH frames later, as the accounting allows."""
    recorder.wait_frames(XRUN_REACH)
    return host.stats(), host.incidents()


def excused(first_frame: int, size: int, incidents: Sequence[LiveIncident], *, reach: int = 0) -> np.ndarray:
    """Which of `size` samples recorded from frame time `first_frame` an incident accounts
    for: its period, and `reach` frames after it (what a silent block delays downstream).
    An xrun accounts for everything from XRUN_REACH before it on: whichever client caused
    it, the signal fed in or recorded may have slipped from then on."""
    mask = np.zeros(size, bool)
    for incident in incidents:
        start = incident.frame - first_frame
        if incident.kind == "xrun":
            mask[max(start - XRUN_REACH, 0):] = True
        else:
            mask[max(start, 0):max(start + incident.frames + reach, 0)] = True
    return mask


def unaccounted(recorded: np.ndarray, expected: np.ndarray, first_frame: int, incidents: Sequence[LiveIncident],
                *, reach: int = 0, atol: float = 0.0) -> np.ndarray:
    """Indices where `recorded` (from frame time `first_frame`) differs from `expected` by
    more than `atol`, outside every period an incident accounts for."""
    assert recorded.shape == expected.shape, (recorded.shape, expected.shape)
    differs = ~(np.abs(recorded - expected) <= atol)  # NaN, a missed period, differs too
    return np.flatnonzero(differs & ~excused(first_frame, recorded.size, incidents, reach=reach))


def first_incident(first_frame: int, incidents: Sequence[LiveIncident]) -> int | None:
    """The index of the first recorded sample an incident may have changed, or None."""
    starts = [incident.frame - first_frame - (XRUN_REACH if incident.kind == "xrun" else 0)
              for incident in incidents]
    return max(min(starts), 0) if starts else None
