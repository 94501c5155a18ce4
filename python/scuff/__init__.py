"""scuff: run CLAP and VST3 plugins in sandbox processes, so a crashing or hanging plugin
costs one sandbox and never the host."""

import logging
from importlib.metadata import version as _version

from .confine.limits import SandboxLimits
from .confine.refusals import Refusal
from .confine.report import Confinement, ConfinementItem
from .confine.settings_homes import SettingsHome, remove_settings_home, settings_home, settings_homes
from .errors import (
    AudioFormatError,
    EditorError,
    LimitsError,
    MissingPluginError,
    NoDisplayError,
    ParamError,
    PluginLoadError,
    PresetError,
    PresetFormatError,
    PresetNotFoundError,
    ProtocolError,
    SandboxCrashedError,
    SandboxError,
    SandboxTimeoutError,
    ScuffError,
    SessionError,
    SessionFormatError,
    SessionStateError,
    SessionVersionError,
    StateError,
    UnknownPluginError,
)
from .events.midi_file import events_from_midi
from .events.notes import Event, Midi, NoteChoke, NoteOff, NoteOn
from .host.client import Client
from .host.device import Device
from .host.group import Group
from .host.ports import InputPort, NoteInputPort, NoteOutputPort, OutputPort
from .host.sandbox import Sandbox
from .host.session_load import MissingPlugin
from .host.stats import DeviceStats, ProcessTimeHistogram, SandboxStats
from .host.status import RestartPolicy, SandboxEvent
from .host.transport import Transport
from .inspection.inspector import inspect
from .inspection.latency_diff import LatencyDiff, Significance, latency_diff
from .inspection.report import InspectionReport
from .process.exits import Reason
from .scan.plugin_info import BrokenPlugin, PluginInfo
from .validation.report import ValidationReport, ValidationResult
from .validation.validator import validate
from .wire.clap_preset import ClapPreset
from .wire.param import Param

# The one version number lives in pyproject.toml.
__version__ = _version("scuff")

# A library logs, the application decides what is shown: without logging configured,
# nothing scuff logs reaches stderr.
logging.getLogger("scuff").addHandler(logging.NullHandler())

__all__ = [
    "AudioFormatError",
    "ClapPreset",
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
    "MissingPlugin",
    "MissingPluginError",
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
    "PresetError",
    "PresetFormatError",
    "PresetNotFoundError",
    "ProcessTimeHistogram",
    "ProtocolError",
    "Reason",
    "Refusal",
    "RestartPolicy",
    "Sandbox",
    "SandboxEvent",
    "SandboxLimits",
    "SandboxStats",
    "SandboxCrashedError",
    "SandboxError",
    "SandboxTimeoutError",
    "ScuffError",
    "SessionError",
    "SessionFormatError",
    "SessionStateError",
    "SessionVersionError",
    "SettingsHome",
    "Significance",
    "StateError",
    "Transport",
    "UnknownPluginError",
    "ValidationReport",
    "ValidationResult",
    "events_from_midi",
    "inspect",
    "latency_diff",
    "remove_settings_home",
    "settings_home",
    "settings_homes",
    "validate",
]
