"""The VST3 device's parameter sync, without a plugin: the C++ cases of
tests/native/vst3_param_sync_test.cpp (host changes, the plugin's own, controller edits, flushes
sent again, state values), built with the test plugins."""

from __future__ import annotations

import subprocess

from support.test_plugins import VST3_PARAM_SYNC_TEST


def test_the_parameter_sync_keeps_processor_controller_and_host_in_step(test_plugins):
    result = subprocess.run([test_plugins / VST3_PARAM_SYNC_TEST], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.endswith(" cases, 0 failed\n")
