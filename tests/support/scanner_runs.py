"""Counting the scanner processes a scan starts."""

from __future__ import annotations

import pytest

import scuff.scan.pool
from scuff.scan.scanner_process import scan_file


class ScannerRuns:
    """Records the file of every scanner process a scan starts, in order."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.paths: list[str] = []

        def counted(path, *args, **kwargs):
            self.paths.append(str(path))
            return scan_file(path, *args, **kwargs)

        monkeypatch.setattr(scuff.scan.pool, "scan_file", counted)
