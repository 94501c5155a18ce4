"""`scuff.validate`: runs each selected test on a plugin in fresh sandboxes of its own and
reports every outcome. A crash, a hang or a lie fails the test it happened in, with the
reason, and the run goes on; nothing a plugin does reaches the validating process."""

from __future__ import annotations

import secrets
import shlex
import time
import zlib
from pathlib import Path

from ..errors import SandboxCrashedError, SandboxError, SandboxTimeoutError, ScuffError
from ..host.client import Client
from ..scan.lookup import PluginRef, find_plugin
from ..scan.plugin_info import PluginInfo
from .bench import Bench, SandboxLog, Subject
from .check import Check, Outcome
from .registry import LOAD, select
from .report import ValidationReport, ValidationResult
from .strictness import DEFAULT_STRICTNESS, tolerances

# How long the tests render at most, per signal, in seconds of audio.
DEFAULT_SECONDS = 0.5


def validate(plugin: PluginRef, *, plugin_id: str | None = None, strictness: int = DEFAULT_STRICTNESS,
             tests: list[str] | None = None, skip: list[str] | None = None, seed: int | None = None,
             seconds: float = DEFAULT_SECONDS, client: Client | None = None) -> ValidationReport:
    """Validates one plugin: a file path (its first plugin, or `plugin_id`), a scanned id or
    name, or a PluginInfo. `tests` names the tests to run (all of `strictness`, 1 to 10, when
    None), `skip` those to leave out; `seed` makes the random choices repeatable (a random one
    when None; the report gives it); `seconds` is the length of the test signals. Each test runs
    in fresh sandboxes; a plugin that crashes or hangs fails that test and the run goes on."""
    tol = tolerances(strictness)
    checks = select(strictness, tests, skip)
    if seed is None:
        seed = secrets.randbelow(1 << 31)
    if client is None:
        with Client(control_timeout=5.0, load_timeout=10.0) as own:
            return validate(plugin, plugin_id=plugin_id, strictness=strictness, tests=tests, skip=skip, seed=seed,
                            seconds=seconds, client=own)
    subject = _subject(client, plugin, plugin_id)
    name = subject.info.name if subject.info else subject.path.name
    results: list[ValidationResult] = []
    with SandboxLog.attached() as log:
        for check in checks:
            result = _run(check, Bench(client, subject, _seed_of(seed, check.name), tol, seconds, log),
                          seed, _reproduce(subject, strictness, check.name, seed))
            results.append(result)
            if check.name == LOAD and not result.passed:
                break
    plugin_id = subject.info.id if subject.info else subject.plugin_id or ""
    plugin_format = subject.info.format if subject.info else ("vst3" if subject.path.suffix == ".vst3" else "clap")
    return ValidationReport(name, plugin_id, plugin_format, str(subject.path), strictness, seed, results)


def _subject(client: Client, plugin: PluginRef, plugin_id: str | None) -> Subject:
    found = find_plugin(client.scan, plugin)
    if isinstance(found, PluginInfo):
        return Subject(Path(found.path), found.id, found)
    path = Path(found).resolve()
    listed = [info for info in client.scan([path], standard_folders=False)
              if Path(info.path).resolve() == path and (plugin_id is None or info.id == plugin_id)]
    if listed:
        return Subject(path, plugin_id or listed[0].id, listed[0])
    return Subject(path, plugin_id, None)


def _seed_of(seed: int, name: str) -> int:
    """Each test's own seed: the same for a test whichever others run with it."""
    return (seed ^ zlib.crc32(name.encode())) & 0x7FFFFFFF


def _reproduce(subject: Subject, strictness: int, name: str, seed: int) -> str:
    plugin_id = f" --plugin-id {shlex.quote(subject.plugin_id)}" if subject.plugin_id else ""
    return (f"scuff validate {shlex.quote(str(subject.path))}{plugin_id} --strictness {strictness} "
            f"--only {name} --seed {seed}")


def _run(check: Check, bench: Bench, seed: int, reproduce: str) -> ValidationResult:
    started = time.monotonic()
    try:
        outcome = check.run(bench)
        gone = [s for s in bench.sandboxes if s.state not in ("running", "stopped")]
        if gone and outcome.passed:
            outcome = Outcome(False, f"the sandbox is {gone[0].state} ({gone[0].reason}) after: {outcome.detail}")
    except SandboxError as error:
        outcome = Outcome(False, _what_happened(bench, error))
    except ScuffError as error:
        outcome = Outcome(False, f"{type(error).__name__}: {' '.join(str(error).split())}")
    except Exception as error:  # a mistake of the validator's: reported, never raised mid-run
        outcome = Outcome(False, f"the validator failed: {type(error).__name__}: {error}")
    finally:
        bench.close()
    return ValidationResult(check.name, outcome.passed, outcome.detail, seed, check.checked, outcome.skipped,
                            round(time.monotonic() - started, 3), reproduce, outcome.data)


def _what_happened(bench: Bench, error: SandboxError) -> str:
    """What became of the sandbox behind a failed call: the client learns of a crash from the
    process's exit, a moment after the call that missed it."""
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline and all(s.state == "running" for s in bench.sandboxes):
        time.sleep(0.02)
    message = " ".join(str(error).split())
    for sandbox in bench.sandboxes:
        if sandbox.state == "crashed":
            return f"the plugin crashed: {sandbox.reason or message}"
        if sandbox.state not in ("running", "stopped"):
            return f"the plugin stopped answering ({sandbox.state}): {sandbox.reason or message}"
    if isinstance(error, SandboxTimeoutError):
        return f"the plugin stopped answering: {message}"
    if isinstance(error, SandboxCrashedError):
        return f"the plugin crashed: {message}"
    return f"the plugin missed an audio cycle's deadline (hung or too slow): {message}"
