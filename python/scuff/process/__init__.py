"""One sandbox process from the outside: spawning `scuff-sbox` with its private folders and
limits, the control channel and its event loop, the executables inside the package, and
what an exit means (`Reason`, `describe_exit`).

May import `wire`, `confine`, `errors` and the native module. It knows nothing of groups,
devices or the client: the caller passes it an event loop and a spawn function.
"""
