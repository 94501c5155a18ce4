"""This build against another revision of scuff: `run.py --against REV`.

REV is built from `git archive` into build/against/SHA/ with a virtual environment of its
own (kept, so a second comparison starts at once). Each workload of
`revision_workloads.py` then runs in fresh processes, alternately under REV and under this
build, in interleaved pairs whose order flips each time; the result per workload is the
median of the pairs' ratios (this build / REV) with the spread of the middle half.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path

from revision_workloads import WORKLOADS
from stats import fmt_ratio, fmt_seconds, print_table

REPO = Path(__file__).resolve().parents[2]
WORKLOAD_SCRIPT = Path(__file__).resolve().parent / "revision_workloads.py"
# A ratio above this (median of the pairs) is reported as a slowdown, never asserted.
SLOWDOWN = 1.05


@dataclass(frozen=True)
class Comparison:
    workload: str
    ours: list[float]
    theirs: list[float]

    @property
    def ratios(self) -> list[float]:
        return [a / b for a, b in zip(self.ours, self.theirs, strict=True)]

    @property
    def median(self) -> float:
        return statistics.median(self.ratios)

    @property
    def spread(self) -> tuple[float, float]:
        ratios = sorted(self.ratios)
        return ratios[len(ratios) // 4], ratios[(3 * len(ratios)) // 4]


def python_of(revision: str) -> Path:
    """The Python of a virtual environment holding scuff as it was at `revision`."""
    sha = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--verify", f"{revision}^{{commit}}"],
                         capture_output=True, text=True, check=True).stdout.strip()
    home = REPO / "build" / "against" / sha
    python = home / "venv" / "bin" / "python"
    if not (home / "installed").exists():
        source = home / "source"
        source.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "-C", str(REPO), "archive", sha], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
        venv.create(home / "venv", with_pip=True)
        print(f"building scuff at {revision} ({sha[:12]}) into {home} ...", flush=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(source)], check=True)
        (home / "installed").touch()
    return python


def timed(python: Path | str, workload: str) -> float:
    # Run outside the repository so that `import scuff` finds only the installed package.
    result = subprocess.run([str(python), str(WORKLOAD_SCRIPT), workload], capture_output=True, text=True,
                            cwd="/", timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"workload {workload} failed under {python}:\n{result.stderr}")
    return float(result.stdout.split()[-1])


def run(revision: str, pairs: int) -> list[Comparison]:
    theirs_python = python_of(revision)
    comparisons = []
    for workload in WORKLOADS:
        ours: list[float] = []
        theirs: list[float] = []
        for pair in range(pairs):
            if pair % 2:
                ours.append(timed(sys.executable, workload))
                theirs.append(timed(theirs_python, workload))
            else:
                theirs.append(timed(theirs_python, workload))
                ours.append(timed(sys.executable, workload))
        comparisons.append(Comparison(workload, ours, theirs))
    return comparisons


def report(comparisons: list[Comparison], revision: str, pairs: int) -> None:
    rows = []
    for c in comparisons:
        low, high = c.spread
        verdict = "slower" if c.median > SLOWDOWN else "no slowdown"
        rows.append([c.workload, fmt_seconds(statistics.median(c.theirs)), fmt_seconds(statistics.median(c.ours)),
                     f"{fmt_ratio(c.median)} [{fmt_ratio(low)}, {fmt_ratio(high)}]", verdict])
    print_table(f"This build against {revision}: {pairs} interleaved pairs per workload, ratio = this build / "
                f"{revision} (median of the pairs, middle half in brackets)",
                ["workload", revision, "this build", "ratio", f"over {SLOWDOWN:g}x: slower"], rows)
