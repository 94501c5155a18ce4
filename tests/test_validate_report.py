"""The validation report's forms (table, JSON, JUnit XML, plot) and the strictness levels'
choice of tests."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

import scuff
from scuff.validation.registry import NAMES, select
from scuff.validation.strictness import tolerances


def sample_report() -> scuff.ValidationReport:
    results = [
        scuff.ValidationResult("load", True, "created", 7, "loads", seconds=0.1),
        scuff.ValidationResult("latency", False, "reports a latency of 16 samples but delays by 64", 7,
                               "latency honesty", reproduce="scuff validate x.clap --only latency --seed 7"),
        scuff.ValidationResult("editor", True, "no X display", 7, "editor", skipped=True),
        scuff.ValidationResult("block-sizes", True, "fine", 7, "block sizes",
                               data={"block_size": [1, 64, 512], "p50_us_per_frame": [3.0, 0.2, 0.1],
                                     "max_us_per_frame": [9.0, 0.5, 0.2]}),
    ]
    return scuff.ValidationReport("Test", "org.test", "clap", "/x.clap", 5, 7, results)


@pytest.mark.pure
def test_the_report_fails_when_one_test_failed_and_says_how_to_repeat_it():
    report = sample_report()
    assert not report.passed and [r.name for r in report.failures] == ["latency"]
    table = report.table()
    assert "FAIL" in table and "skip" in table and "3 of 4 passed; failed: latency" in table
    assert "scuff validate x.clap --only latency --seed 7" in table
    data = json.loads(report.to_json())
    assert data["passed"] is False and [r["status"] for r in data["results"]] == ["pass", "FAIL", "skip", "pass"]


@pytest.mark.pure
def test_junit_xml_has_one_case_per_test_with_failures_and_skips():
    suite = ET.fromstring(sample_report().to_junit())
    assert suite.tag == "testsuite" and suite.get("tests") == "4" and suite.get("failures") == "1"
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert set(cases) == {"load", "latency", "editor", "block-sizes"}
    assert cases["latency"].find("failure").get("message").startswith("reports a latency")
    assert cases["editor"].find("skipped") is not None and cases["load"].find("failure") is None


@pytest.mark.pure
def test_the_plot_draws_process_time_per_block_size(tmp_path):
    path = tmp_path / "report.png"
    sample_report().plot(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.pure
def test_strictness_levels_add_tests_and_tighten_tolerances():
    chosen = {level: [c.name for c in select(level, None, None)] for level in range(1, 11)}
    assert chosen[1] == ["load", "descriptor"]
    assert "realtime" not in chosen[3] and "realtime" in chosen[5] and chosen[10] == list(NAMES)
    assert all(set(chosen[level]) <= set(chosen[level + 1]) for level in range(1, 10))
    assert [c.name for c in select(5, ["latency"], None)] == ["load", "latency"]
    assert "latency" not in [c.name for c in select(5, None, ["latency"])]
    with pytest.raises(ValueError, match="no validation test 'speed'"):
        select(5, ["speed"], None)
    assert tolerances(1).latency_tolerance > tolerances(5).latency_tolerance > tolerances(10).latency_tolerance
    assert tolerances(5).sample_rates[0] == 44100 and tolerances(5).sample_rates[-1] == 192000
    assert max(tolerances(5).block_sizes) == 4096 and min(tolerances(5).block_sizes) == 1
