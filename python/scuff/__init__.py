"""scuff: run CLAP and VST3 plugins in sandbox processes, so a crashing or hanging plugin
costs one sandbox and never the host."""

import logging
from importlib.metadata import version as _version

from .client import Client
from .confinement import Confinement, ConfinementItem
from .device import Device, InputPort, NoteInputPort, NoteOutputPort, OutputPort
from .errors import (
    AudioFormatError,
    EditorError,
    LimitsError,
    NoDisplayError,
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
from .inspector import InspectionReport, inspect
from .latency_diff import LatencyDiff, Significance, latency_diff
from .limits import SandboxLimits
from .midi_file import events_from_midi
from .param import Param
from .plugin_info import BrokenPlugin, PluginInfo
from .sandbox import Sandbox
from .sandbox_status import Reason, RestartPolicy, SandboxEvent
from .stats import DeviceStats, ProcessTimeHistogram, SandboxStats
from .transport import Transport

# The one version number lives in pyproject.toml.
__version__ = _version("scuff")

# A library logs, the application decides what is shown: without logging configured,
# nothing scuff logs reaches stderr.
logging.getLogger("scuff").addHandler(logging.NullHandler())

__all__ = [
    "AudioFormatError",
    "EditorError",
    "NoDisplayError",
    "BrokenPlugin",
    "Client",
    "Confinement",
    "ConfinementItem",
    "Device",
    "DeviceStats",
    "Event",
    "Group",
    "InspectionReport",
    "InputPort",
    "LatencyDiff",
    "LimitsError",
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
    "ProcessTimeHistogram",
    "ProtocolError",
    "Reason",
    "RestartPolicy",
    "Sandbox",
    "SandboxEvent",
    "SandboxLimits",
    "SandboxStats",
    "SandboxCrashedError",
    "SandboxError",
    "SandboxTimeoutError",
    "ScuffError",
    "Significance",
    "StateError",
    "Transport",
    "UnknownPluginError",
    "events_from_midi",
    "inspect",
    "latency_diff",
]
