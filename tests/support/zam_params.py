"""Parameter values for round trips through presets: away from every default, and the
names pedalboard gives the same parameters."""

from __future__ import annotations

import re

import scuff


def away_from_defaults(device: scuff.Device, share: float = 0.3) -> dict[int, float]:
    """Sets every settable parameter a user sees `share` of the way through its range (whole
    numbers for stepped ones, another one for those whose default lies there) and returns
    the values the plugin then reports. Hidden ones, such as DPF's program choice, are left."""
    for param in device.params:
        if param.is_readonly or param.is_hidden or param.max <= param.min:
            continue
        value = param.min + share * (param.max - param.min)
        if param.is_stepped:
            value = float(round(value)) if round(value) != param.default else param.max
            if value == param.default:
                value = param.min
        device.set_param(param, value)
    return device.param_values()


def to_defaults(device: scuff.Device) -> None:
    for param in device.params:
        if not param.is_readonly:
            device.set_param(param, param.default)


def pedalboard_name(name: str) -> str:
    """The attribute name pedalboard gives a parameter: lower case, words joined by "_"."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def normalized(param: scuff.Param, value: float) -> float:
    return (value - param.min) / (param.max - param.min)


def load_in_pedalboard(path: object) -> object:
    """The VST3 bundle hosted in process by pedalboard, without the probe its Python wrapper
    makes of every parameter's range while loading (about a thousand values each, which costs
    ZamVerb a minute: it reloads its impulse response on each). Parameters are then reached
    by name with `_get_parameter`, and set through their raw (normalised) values."""
    import pedalboard
    from pedalboard._pedalboard import _PythonExternalPluginMixin

    original = _PythonExternalPluginMixin.__set_initial_parameter_values__
    _PythonExternalPluginMixin.__set_initial_parameter_values__ = lambda self, values: None  # type: ignore[method-assign]
    try:
        return pedalboard.load_plugin(str(path))
    finally:
        _PythonExternalPluginMixin.__set_initial_parameter_values__ = original  # type: ignore[method-assign]
