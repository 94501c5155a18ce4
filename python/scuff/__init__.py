"""scuff: run CLAP and VST3 plugins in sandbox processes, so a crashing or hanging plugin
costs one sandbox and never the host."""

from importlib.metadata import version as _version

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

# The one version number lives in pyproject.toml.
__version__ = _version("scuff")

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
