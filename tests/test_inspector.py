"""The inspector measures what a plugin really does (latency, response) and costs, and gives a
health verdict; a plugin that lies about its latency, crashes or hangs is reported as such."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import scuff
from scuff import Significance, latency_diff
from support.repo import REPO_ROOT
from support.test_plugins import (
    CRASH_IN_INIT_ID,
    FAULTY_ID,
    INSTRUMENT_ID,
    LATENCY_ID,
    LATENCY_SAMPLES,
    LYING_LATENCY_ID,
    LYING_LATENCY_REPORTED,
    PLUGINS_FILE,
    Fault,
    twin,
)
from support.zam import ZAM_CLAP_FILES, ZAM_VST3_BUNDLES

ARTIFACTS = REPO_ROOT / "build" / "artifacts"
# Instruments have no audio input to measure a latency through.
ZAM_EFFECTS = [path for path in [*ZAM_CLAP_FILES, *ZAM_VST3_BUNDLES] if "Synth" not in path.stem]
# ZamPhono's RIAA filter is minimum phase: its response peaks one sample after the input.
PEAKS_LATE = {"ZamPhono": 1}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.mark.skipif(len(ZAM_CLAP_FILES) != 17, reason="zam-plugins not installed")
def test_measured_latency_equals_the_reported_one_for_every_zam_plugin(client):
    found = {}
    for path in ZAM_EFFECTS:
        report = scuff.inspect(path, client=client, seconds=0.25)
        assert report.health == "ok", (path, report.problems)
        found[path] = (report.reported_latency, report.measured_latency)
        assert report.measured_latency == report.reported_latency + PEAKS_LATE.get(path.stem, 0), path
    assert found[ZAM_CLAP_FILES[0].parent / "ZaMaximX2.clap"] == (480, 480)


def test_latency_test_plugins_delay_by_what_they_report(client, test_plugins, plugin_format):
    file, plugin_id = twin(LATENCY_ID, plugin_format)
    report = scuff.inspect(test_plugins / file, plugin_id=plugin_id, client=client, seconds=0.25)
    assert report.health == "ok" and report.problems == ()
    assert report.reported_latency == report.measured_latency == LATENCY_SAMPLES
    assert report.measured_latency_us == pytest.approx(LATENCY_SAMPLES / 48000 * 1e6)
    assert report.process.blocks > 0 and report.memory_bytes > 0
    assert report.jitter_us >= 0 and 0 < report.cpu_share < 1
    # A pure delay: flat, and no phase once the latency is taken out.
    assert np.abs(report.response.magnitude_db).max() < 0.01 and np.abs(report.response.phase_rad).max() < 0.01


def test_a_plugin_that_reports_a_wrong_latency_is_flagged(client, test_plugins):
    report = scuff.inspect(test_plugins / PLUGINS_FILE, plugin_id=LYING_LATENCY_ID, client=client, seconds=0.25)
    assert report.health == "lying about latency"
    assert (report.reported_latency, report.measured_latency) == (LYING_LATENCY_REPORTED, LATENCY_SAMPLES)
    assert f"reports a latency of {LYING_LATENCY_REPORTED} samples but delays by {LATENCY_SAMPLES}" in report.problems


def test_an_instrument_has_no_measured_latency_but_its_costs_are_measured(client, test_plugins, plugin_format):
    file, plugin_id = twin(INSTRUMENT_ID, plugin_format)
    report = scuff.inspect(test_plugins / file, plugin_id=plugin_id, client=client, seconds=0.25)
    assert report.health == "ok" and report.measured_latency is None and report.reported_latency == 0
    assert report.process.blocks == math.ceil(0.25 * 48000 / 512) and report.response.impulse.size == 0


def test_a_plugin_crashing_while_processing_is_reported_crashed(client, test_plugins, plugin_format):
    file, plugin_id = twin(FAULTY_ID, plugin_format)
    report = scuff.inspect(test_plugins / file, plugin_id=plugin_id, client=client, seconds=0.25,
                           params={"Fault": Fault.CRASH_IN_PROCESS})
    assert report.health == "crashed"
    assert "crashed while processing" in report.problems[0] and "SIGSEGV" in report.problems[0]


def test_a_plugin_crashing_while_loading_is_reported_crashed(client, test_plugins):
    file, plugin_id = twin(CRASH_IN_INIT_ID, "clap")
    report = scuff.inspect(test_plugins / file, plugin_id=plugin_id, client=client)
    assert report.health == "crashed" and "while loading" in report.problems[0]


def test_a_plugin_hanging_while_processing_is_reported_unresponsive(client, test_plugins):
    file, plugin_id = twin(FAULTY_ID, "clap")
    report = scuff.inspect(test_plugins / file, plugin_id=plugin_id, client=client, seconds=0.25,
                           cycle_timeout=0.2, params={"Fault": Fault.HANG_IN_PROCESS})
    assert report.health == "unresponsive" and "stopped answering" in report.problems[0]


def test_latency_diff_levels_follow_the_change():
    assert latency_diff(1000, 1040).significance == Significance.NONE
    assert latency_diff(1000, 1100).significance == Significance.MINOR
    assert latency_diff(1000, 1200, block_budget=10000).significance == Significance.MAJOR
    assert latency_diff(1000, 800, block_budget=10000).significance == Significance.MAJOR
    critical = latency_diff(10000, 12000, block_budget=10667)
    assert critical.significance == Significance.CRITICAL
    assert (critical.difference_us, critical.percent_change) == (2000, 20)
    assert math.isinf(latency_diff(0, 100).percent_change)
    assert latency_diff(0, 0).significance == Significance.NONE
    with pytest.raises(scuff.ScuffError):
        latency_diff(-1, 5)


def test_latency_diff_of_two_reports_uses_their_measured_latencies(client, test_plugins):
    honest = scuff.inspect(test_plugins / PLUGINS_FILE, plugin_id=LATENCY_ID, client=client, seconds=0.1)
    diff = latency_diff(honest, honest)
    assert diff.significance == Significance.NONE and diff.baseline_us == honest.measured_latency_us


def test_the_report_plots_to_a_png_and_prints_as_json(client, test_plugins):
    pytest.importorskip("matplotlib")
    report = scuff.inspect(test_plugins / PLUGINS_FILE, plugin_id=LATENCY_ID, client=client, seconds=0.5)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "inspect-latency.png"
    report.plot(path)
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE) and len(data) > 10000
    document = json.loads(report.to_json())
    assert document["measured_latency"] == LATENCY_SAMPLES and document["health"] == "ok"
