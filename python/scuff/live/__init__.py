"""Live playback through a JACK server: `JackHost` plays a group with JACK's own ports,
`server_info` reads the server's rate and period, `jack_available` says whether libjack
can be loaded.

May import `host`, `errors` and the native module; `cli` is the only package above it.
"""

from .jack_host import JackError, JackHost, LiveIncident, LiveStats, jack_available, server_info

__all__ = ["JackError", "JackHost", "LiveIncident", "LiveStats", "jack_available", "server_info"]
