"""What a device reports back for a plain parameter value, per format."""

import pytest

import scuff


def reported(value: float, device: scuff.Device):
    """What `device` reports for a plain value it took from a state or a restart: the value
    itself for CLAP; VST3 hands the host only normalized values, so the plain value comes back
    through the plugin's conversion, within 1e-12 relative."""
    if device.format != "vst3":
        return value
    return pytest.approx(value, rel=1e-12, abs=1e-12)
