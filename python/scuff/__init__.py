"""scuff: run CLAP and VST3 plugins in sandbox processes, so a crashing or hanging plugin
costs one sandbox and never the host."""

from .client import Client
from .device import Device, InputPort, OutputPort
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
from .group import Group
from .param import Param
from .plugin_info import BrokenPlugin, PluginInfo
from .sandbox import Sandbox
from .sandbox_status import Reason, RestartPolicy, SandboxEvent

__version__ = "0.1.0"

__all__ = [
    "AudioFormatError",
    "BrokenPlugin",
    "Client",
    "Device",
    "Group",
    "InputPort",
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
    "UnknownPluginError",
]
