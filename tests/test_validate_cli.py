"""`scuff validate` from the command line: a crash while loading is reported and fails the
command quickly; JSON and JUnit XML come out for CI systems."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET

from support.test_plugins import CRASH_IN_INIT_ID, FAULTS_FILE, GAIN_ID, PLUGINS_FILE

# Generous: a run that hangs must fail the test, not the suite.
TIMEOUT = 120


def scuff_validate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scuff", "validate", *args], capture_output=True, text=True,
                          timeout=TIMEOUT)


def test_a_plugin_that_crashes_in_init_is_reported_and_the_command_fails(test_plugins):
    result = scuff_validate(str(test_plugins / FAULTS_FILE), "--plugin-id", CRASH_IN_INIT_ID, "--seed", "3")
    assert result.returncode == 1, result.stderr
    assert "load" in result.stdout and "FAIL" in result.stdout and "crashed" in result.stdout, result.stdout
    assert "--seed 3" in result.stdout


def test_json_and_junit_reports_of_a_passing_plugin(test_plugins, tmp_path):
    junit = tmp_path / "report.xml"
    result = scuff_validate(str(test_plugins / PLUGINS_FILE), "--plugin-id", GAIN_ID, "--only", "latency,descriptor",
                            "--skip", "descriptor", "--json", "--junit", str(junit), "--seed", "5")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["passed"] and [r["name"] for r in report["results"]] == ["load", "latency"]
    assert report["seed"] == 5
    suite = ET.parse(junit).getroot()
    assert [case.get("name") for case in suite.iter("testcase")] == ["load", "latency"]


def test_an_unknown_test_name_is_refused(test_plugins):
    result = scuff_validate(str(test_plugins / PLUGINS_FILE), "--only", "speed")
    assert result.returncode != 0 and "no validation test 'speed'" in result.stderr
