"""scuff: run CLAP and VST3 plugins in sandbox processes, so a crashing or hanging plugin
costs one sandbox and never the host."""

import logging

from .client import Client
from .confinement import Confinement, ConfinementItem
from .device import Device, InputPort, OutputPort
from .errors import (
    AudioFormatError,
    LimitsError,
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
from .group import Group
from .limits import SandboxLimits
from .param import Param
from .plugin_info import BrokenPlugin, PluginInfo
from .sandbox import Sandbox
from .sandbox_status import Reason, RestartPolicy, SandboxEvent

__version__ = "0.1.0"

# A library logs, the application decides what is shown: without logging configured,
# nothing scuff logs reaches stderr.
logging.getLogger("scuff").addHandler(logging.NullHandler())

__all__ = [
    "AudioFormatError",
    "BrokenPlugin",
    "Client",
    "Confinement",
    "ConfinementItem",
    "Device",
    "Group",
    "InputPort",
    "LimitsError",
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
    "SandboxLimits",
    "SandboxCrashedError",
    "SandboxError",
    "SandboxTimeoutError",
    "ScuffError",
    "StateError",
    "UnknownPluginError",
]
