"""The bounds within which the client believes what a sandbox or a scanner reports; past
them it is lying. Text is decoded within them too."""

from __future__ import annotations

from .._native import MAX_PARAMS as NATIVE_MAX_PARAMS

MAX_PORTS = 64
MAX_CHANNELS = 64
# The sandbox refuses a plugin with more at creation (cpp/common: scuff/param_limit.hpp), so
# a description with more is a lie.
MAX_PARAMS: int = NATIVE_MAX_PARAMS
MAX_TEXT = 4096
# A plugin that reports more latency than this (about 6 minutes at 48 kHz) is lying.
MAX_LATENCY = 1 << 24


def decode_text(value: bytes | None) -> str:
    """A string the peer sent: at most MAX_TEXT bytes of it, invalid UTF-8 replaced."""
    if value is None:
        return ""
    return value[:MAX_TEXT].decode("utf-8", errors="replace")
