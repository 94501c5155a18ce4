"""A validation report as JUnit XML, the format CI systems read test results in."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any, Protocol


class _Report(Protocol):
    """What the XML is made of: a ValidationReport."""

    @property
    def plugin(self) -> str: ...

    @property
    def plugin_id(self) -> str: ...

    @property
    def format(self) -> str: ...

    @property
    def path(self) -> str: ...

    @property
    def strictness(self) -> int: ...

    @property
    def seed(self) -> int: ...

    @property
    def results(self) -> Sequence[Any]: ...

    @property
    def failures(self) -> Sequence[Any]: ...


def junit_xml(report: _Report) -> str:
    """One test suite for the plugin, one test case per test: a failure element for a failed
    test, a skipped element for one that could not run."""
    suite = ET.Element("testsuite", {
        "name": f"scuff validate {report.plugin}", "tests": str(len(report.results)),
        "failures": str(len(report.failures)), "errors": "0",
        "skipped": str(sum(result.skipped for result in report.results)),
        "time": f"{sum(result.seconds for result in report.results):.3f}"})
    properties = ET.SubElement(suite, "properties")
    for name, value in (("plugin_id", report.plugin_id), ("format", report.format), ("path", report.path),
                        ("strictness", str(report.strictness)), ("seed", str(report.seed))):
        ET.SubElement(properties, "property", {"name": name, "value": value})
    for result in report.results:
        case = ET.SubElement(suite, "testcase", {
            "classname": f"scuff.validate.{report.format}.{report.plugin_id}", "name": result.name,
            "time": f"{result.seconds:.3f}"})
        text = f"checked: {result.checked}\nseen: {result.detail}\nseed: {result.seed}\nrepeat: {result.reproduce}"
        if result.skipped:
            ET.SubElement(case, "skipped", {"message": result.detail})
        elif not result.passed:
            failure = ET.SubElement(case, "failure", {"message": result.detail, "type": result.name})
            failure.text = text
        ET.SubElement(case, "system-out").text = text
    ET.indent(suite)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"
