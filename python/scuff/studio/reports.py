"""Inspection and validation reports of the rack's devices: each runs in sandboxes of its own
(never in the device's), while the rack plays on, and reaches every page when done."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from typing import Any

from ..errors import ScuffError
from ..host.client import Client
from ..host.device import Device
from .views import Json

Publish = Callable[[Json], None]
# Reports kept for pages that open later; the oldest go first.
KEPT_REPORTS = 50


class Reports:
    def __init__(self, client: Client, publish: Publish) -> None:
        self._client = client
        self._publish = publish
        self._lock = threading.Lock()
        self._reports: list[Json] = []
        self._numbers = itertools.count(1)

    def all(self) -> list[Json]:
        with self._lock:
            return list(self._reports)

    def inspect(self, device: Device, sample_rate: float, block_size: int) -> Json:
        """Inspects the device's plugin with the device's parameter values, at the rack's rate
        and block size."""
        from ..inspection.inspector import inspect

        what = self._what(device)
        started = time.monotonic()
        params: dict[int | str, float] = {key: value for key, value in device.param_values().items()}
        report = inspect(what["path"], plugin_id=what["plugin_id"], client=self._client, sample_rate=sample_rate,
                         block_size=block_size, params=params)
        return self._keep("inspection", what, report.summary(), report.to_dict(), started,
                          passed=report.health == "ok")

    def validate(self, device: Device, strictness: int, tests: list[str] | None) -> Json:
        """Validates the device's plugin: every test of `strictness` or below, or the `tests`
        named."""
        from ..validation.validator import validate

        if not 1 <= strictness <= 10:
            raise ScuffError(f"strictness is 1 to 10, not {strictness}")
        what = self._what(device)
        started = time.monotonic()
        try:
            report = validate(what["path"], plugin_id=what["plugin_id"], strictness=strictness, tests=tests,
                              client=self._client)
        except ValueError as error:  # an unknown test's name
            raise ScuffError(str(error)) from error
        return self._keep("validation", what, report.table(), report.to_dict(), started, passed=report.passed)

    @staticmethod
    def _what(device: Device) -> dict[str, Any]:
        return {"device": device.id, "label": device.label, "path": device.path, "plugin_id": device.plugin_id}

    def _keep(self, kind: str, what: dict[str, Any], text: str, report: dict[str, Any], started: float, *,
              passed: bool) -> Json:
        view = {"type": "report", "number": next(self._numbers), "kind": kind, **what, "passed": passed,
                "seconds": round(time.monotonic() - started, 2), "text": text, "report": report}
        with self._lock:
            self._reports = [*self._reports, view][-KEPT_REPORTS:]
        self._publish(view)
        return view
