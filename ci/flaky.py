"""`nox -s flaky -- [--runs N] [PYTEST ARGS]`: runs tests (default: the whole suite) N times
in a row and prints a table of the tests that failed at least once, with counts and the
first line of their first failure. Exits non-zero when any test failed in any run."""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from collections import Counter
from pathlib import Path


def failures_of(report: Path) -> tuple[int, dict[str, str]]:
    """How many tests a JUnit report holds, and the failed ones with their first message."""
    tests = 0
    failed: dict[str, str] = {}
    for case in ElementTree.parse(report).iter("testcase"):
        tests += 1
        for outcome in ("failure", "error"):
            element = case.find(outcome)
            if element is not None:
                name = f"{case.get('classname', '')}::{case.get('name', '')}"
                message = (element.get("message") or element.text or outcome).strip().splitlines()
                failed[name] = message[0][:100] if message else outcome
    return tests, failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="how many times to run the tests")
    args, pytest_args = parser.parse_known_args()
    counts: Counter[str] = Counter()
    first_message: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="scuff-flaky-") as folder:
        for run in range(1, args.runs + 1):
            report = Path(folder) / f"run-{run}.xml"
            subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                            f"--junitxml={report}", *pytest_args])
            if not report.exists():
                print(f"flaky: run {run} wrote no report (pytest could not start)", file=sys.stderr)
                return 2
            tests, failed = failures_of(report)
            for name, message in failed.items():
                counts[name] += 1
                first_message.setdefault(name, message)
            print(f"flaky: run {run}/{args.runs}: {len(failed)} of {tests} tests failed", flush=True)
    print()
    if not counts:
        print(f"flaky: no test failed in {args.runs} runs")
        return 0
    width = max(len(name) for name in counts)
    print(f"{'test'.ljust(width)}  failed  first failure")
    for name, count in counts.most_common():
        print(f"{name.ljust(width)}  {count:>2}/{args.runs:<3}  {first_message[name]}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
