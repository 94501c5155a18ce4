"""`scuff.inspect` and what it measures of a plugin: its health, response and latency, the
report and its plot, and the latency difference between two plugins.

May import `host`, `scan`, `errors` and `formats`; `cli` is the only package above it.
"""
