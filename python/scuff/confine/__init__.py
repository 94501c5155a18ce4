"""Confinement: the limits a sandbox runs under (`SandboxLimits` and the command-line
arguments that carry them), the report a sandbox writes of what its confinement achieved,
and the registry of plugin folders a sandbox may read.

May import `formats` and `errors` only.
"""
