"""A validation's findings: what `scuff.validate` returns, with its table, JSON and JUnit forms
and its plot."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class ValidationResult:
    """One test's outcome. `name` is the test's stable name (`latency`, `state-round-trip`...),
    `checked` what it looks for, `detail` what it saw, `seed` the seed that repeats it (with
    `reproduce`, the command line that does). A test that cannot run here (an editor test
    without a display, a notes test on an effect) is `skipped` and counts as passed."""


    name: str
    passed: bool
    detail: str
    seed: int
    checked: str = ""
    skipped: bool = False
    seconds: float = 0.0
    reproduce: str = ""
    data: dict[str, Any] = field(default_factory=dict, repr=False)
    """Measurements behind the verdict, for the plot and the JSON (process time per block size...)."""

    @property
    def status(self) -> str:
        """"pass", "FAIL" or "skip", as the table shows it."""
        return "skip" if self.skipped else "pass" if self.passed else "FAIL"


@dataclass(frozen=True)
class ValidationReport:
    """What `scuff.validate` found about one plugin. `passed` is true when every test did."""

    plugin: str
    plugin_id: str
    format: str
    path: str
    strictness: int
    seed: int
    results: list[ValidationResult]

    @property
    def passed(self) -> bool:
        return all(result.passed for result in self.results)

    @property
    def failures(self) -> list[ValidationResult]:
        return [result for result in self.results if not result.passed]

    def result(self, name: str) -> ValidationResult:
        """The result of the test called `name`; KeyError when it did not run."""
        for result in self.results:
            if result.name == name:
                return result
        raise KeyError(f"no test {name!r} ran (ran: {', '.join(r.name for r in self.results)})")

    def to_dict(self) -> dict[str, Any]:
        return {"plugin": self.plugin, "plugin_id": self.plugin_id, "format": self.format, "path": self.path,
                "strictness": self.strictness, "seed": self.seed, "passed": self.passed,
                "results": [{**asdict(result), "status": result.status} for result in self.results]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    def table(self) -> str:
        """The results as a table for a terminal: one line per test, failures' details after."""
        width = max([len(result.name) for result in self.results] + [4])
        lines = [f"{self.plugin} ({self.format}, {self.plugin_id}) at strictness {self.strictness}, seed {self.seed}",
                 f"  {'test':<{width}}  result  time    detail"]
        for result in self.results:
            detail = " ".join(result.detail.split())
            if len(detail) > 90 and result.passed:
                detail = detail[:87] + "..."
            lines.append(f"  {result.name:<{width}}  {result.status:<6}  {result.seconds:5.2f}s  {detail}")
        failed = self.failures
        lines.append(f"{len(self.results) - len(failed)} of {len(self.results)} passed"
                     + (f"; failed: {', '.join(r.name for r in failed)}" if failed else ""))
        for result in failed:
            lines.append(f"  repeat {result.name}: {result.reproduce}")
        return "\n".join(lines)

    def to_junit(self) -> str:
        """The results as JUnit XML, one test case per test, for CI systems."""
        from .junit import junit_xml
        return junit_xml(self)

    def plot(self, path: Any) -> None:
        """Draws process time per block size (and per sample rate) into one image (`pip install
        scuff[plot]`)."""
        from .plot import plot_report
        plot_report(self, path)
