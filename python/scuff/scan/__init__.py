"""Finding installed plugins without loading them into the host: plugin files in the
standard folders, the pool of `scuff-scan` processes and the reading of their reports, the
scan cache, VST3 module info, `PluginInfo` and the lookup of a plugin by id or path.

May import `process`, `wire`, `confine`, `errors`, `formats` and `scuff.protocol`.
"""
