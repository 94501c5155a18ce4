"""`scuff validate PLUGIN`: runs the validation tests on a plugin, each in fresh sandboxes,
and exits non-zero when any failed."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..validation.registry import NAMES
from ..validation.strictness import DEFAULT_STRICTNESS, HIGHEST, LOWEST
from ..validation.validator import DEFAULT_SECONDS, validate
from .commands import Commands


def _names(values: list[str] | None) -> list[str] | None:
    """Test names given as separate words or comma-separated."""
    if not values:
        return None
    return [name for value in values for name in value.split(",") if name]


def register(commands: Commands) -> None:
    parser = commands.add_parser(
        "validate", help="test a plugin against the rules hosts rely on",
        description="Runs validation tests on a plugin (descriptor, state, processing, parameters, notes, latency, "
                    "real-time safety, thread rules, editor), each in fresh sandboxes: a crash or hang fails that "
                    "test and the run goes on. Exits with 1 when any test failed. Tests: " + ", ".join(NAMES))
    parser.add_argument("plugin", help="a plugin file, or a scanned plugin's id or name")
    parser.add_argument("--plugin-id", help="which plugin of the file (default: its first)")
    parser.add_argument("--strictness", type=int, default=DEFAULT_STRICTNESS, choices=range(LOWEST, HIGHEST + 1),
                        metavar=f"{LOWEST}-{HIGHEST}",
                        help=f"which tests run and how strict (default {DEFAULT_STRICTNESS})")
    parser.add_argument("--only", nargs="+", action="extend", metavar="TEST", help="run only these tests")
    parser.add_argument("--skip", nargs="+", action="extend", metavar="TEST", help="leave these tests out")
    parser.add_argument("--seed", type=int, help="repeat a run's random choices (the report gives its seed)")
    parser.add_argument("--seconds", type=float, default=DEFAULT_SECONDS, help="length of the test signals")
    parser.add_argument("--json", action="store_true", help="print the report as JSON instead of a table")
    parser.add_argument("--junit", type=Path, metavar="XML", help="also write the report as JUnit XML")
    parser.add_argument("--plot", type=Path, metavar="PNG", help="also draw process times (needs scuff[plot])")
    parser.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    try:
        report = validate(args.plugin, plugin_id=args.plugin_id, strictness=args.strictness,
                          tests=_names(args.only), skip=_names(args.skip), seed=args.seed, seconds=args.seconds)
    except ValueError as error:
        raise SystemExit(f"scuff validate: {error}") from None
    print(report.to_json() if args.json else report.table())
    if args.junit is not None:
        args.junit.write_text(report.to_junit(), encoding="utf-8")
    if args.plot is not None:
        report.plot(args.plot)
    return 0 if report.passed else 1
