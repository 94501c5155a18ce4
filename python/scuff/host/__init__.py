"""The objects a user holds: `Client`, `Group`, `Sandbox`, `Device` and its ports, the
transport, graph compilation, the supervisor that restarts crashed sandboxes, sandbox
status and statistics.

May import `process`, `scan`, `wire`, `confine`, `events`, `errors`, `formats` and the native
module; nothing above it (`inspection`, `live`, `cli`). Inside `host` the objects point at
their parents and children (client and group, group and sandbox, sandbox and device, device
and ports, graph and sandbox, supervisor and client, status and sandbox): these are the only
import cycles the package allows (docs/architecture.md).
"""
