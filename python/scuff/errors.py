"""The exceptions scuff raises: every one derives from ScuffError."""

from __future__ import annotations


class ScuffError(Exception):
    """Base class of every error scuff raises."""


class PluginLoadError(ScuffError):
    """A plugin file could not be loaded, or holds no plugin with the requested id."""


class UnknownPluginError(PluginLoadError):
    """A plugin id that no scan has found."""


class ParamError(ScuffError, ValueError):
    """An unknown parameter, or a value outside its range."""


class StateError(ScuffError):
    """A device state that could not be saved or loaded."""


class AudioFormatError(ScuffError, ValueError):
    """An audio array of the wrong type, shape or length, or a port that does not exist."""


class LimitsError(ScuffError, ValueError):
    """A SandboxLimits that cannot be enforced as given: a negative or tiny memory limit, a
    path that does not exist."""


class SandboxError(ScuffError):
    """A sandbox process failed, stopped answering, or broke the protocol."""


class SandboxCrashedError(SandboxError):
    """The sandbox process is gone."""


class SandboxTimeoutError(SandboxError, TimeoutError):
    """The sandbox did not answer within its deadline."""


class ProtocolError(SandboxError):
    """The sandbox sent a message that is malformed or makes no sense."""


class EditorError(ScuffError):
    """A plugin's editor could not be shown or resized: the plugin has none, it failed, or
    the window to embed it in does not exist."""


class NoDisplayError(EditorError):
    """Editors need an X display and the sandbox has none (DISPLAY unset or unreachable).
    Audio is not affected."""
