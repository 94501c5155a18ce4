"""scuff studio: a local web application showing the rack (plugins, sandboxes, devices,
routing) and the health of each sandbox, live. `scuff studio` starts it; `StudioServer`
runs it from Python."""

from .server import StudioServer

__all__ = ["StudioServer"]
