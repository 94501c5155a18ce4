"""The one rule the sandbox and the scanner tell a plugin file's format by: the C++ cases of
tests/native/plugin_format_test.cpp, built with the test plugins."""

from __future__ import annotations

import subprocess

from support.test_plugins import PLUGIN_FORMAT_TEST


def test_a_file_is_of_the_format_its_last_name_says(test_plugins):
    result = subprocess.run([test_plugins / PLUGIN_FORMAT_TEST], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.endswith(" cases, 0 failed\n")
