"""scuff: run CLAP and VST3 plugins in sandbox processes, so a crashing or hanging plugin
costs one sandbox and never the host."""

from importlib.metadata import version as _version

from .client import Client
from .device import Device, InputPort, NoteInputPort, NoteOutputPort, OutputPort
from .errors import (
    AudioFormatError,
    ParamError,
    PluginLoadError,
    ProtocolError,
    SandboxCrashedError,
    SandboxError,
    SandboxTimeoutError,
    ScuffError,
    StateError,
    UnknownPluginError,
)
from .events import Event, Midi, NoteChoke, NoteOff, NoteOn
from .group import Group
from .midi_file import events_from_midi
from .param import Param
from .plugin_info import BrokenPlugin, PluginInfo
from .sandbox import Sandbox
from .sandbox_status import Reason, RestartPolicy, SandboxEvent
from .transport import Transport

# The one version number lives in pyproject.toml.
__version__ = _version("scuff")

__all__ = [
    "AudioFormatError",
    "BrokenPlugin",
    "Client",
    "Device",
    "Event",
    "Group",
    "InputPort",
    "Midi",
    "NoteChoke",
    "NoteInputPort",
    "NoteOff",
    "NoteOn",
    "NoteOutputPort",
    "OutputPort",
    "Param",
    "ParamError",
    "PluginInfo",
    "PluginLoadError",
    "ProtocolError",
    "Reason",
    "RestartPolicy",
    "Sandbox",
    "SandboxEvent",
    "SandboxCrashedError",
    "SandboxError",
    "SandboxTimeoutError",
    "ScuffError",
    "StateError",
    "Transport",
    "UnknownPluginError",
    "events_from_midi",
]
