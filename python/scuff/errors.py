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


class SessionError(ScuffError):
    """A session file that cannot be saved or loaded. Loading one that fails leaves the
    client as it was: no group, sandbox or device of it remains."""


class SessionFormatError(SessionError):
    """A session file that is not one: not a zip file, truncated, a manifest that does not
    parse or says something impossible, a state file that is missing."""


class SessionVersionError(SessionFormatError):
    """A session file written by a newer version of scuff, in a format this one cannot read."""


class MissingPluginError(SessionError, PluginLoadError):
    """A plugin a session needs is not installed at the path it was saved from."""


class SessionStateError(SessionError, StateError):
    """A device state inside a session file is damaged, or the plugin refused it."""


class PresetError(ScuffError):
    """A preset that cannot be saved, found, loaded or deleted."""


class PresetNotFoundError(PresetError, KeyError):
    """No preset of that name is stored for the device's plugin."""

    def __str__(self) -> str:
        # KeyError would quote the message.
        return str(self.args[0]) if self.args else ""


class PresetFormatError(PresetError):
    """A preset file (a stored preset or a .vstpreset) that is damaged, truncated, or made
    for another plugin."""
