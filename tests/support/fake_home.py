"""A home folder of the test's own: HOME and the XDG folders point into it, so that a test of
what plugins may do to a home folder never touches the real user's files."""

from __future__ import annotations

import pathlib

import pytest

from scuff.confine.settings_homes import home_folder_name, settings_homes_root


def make_fake_home(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> pathlib.Path:
    """Sets HOME, XDG_CONFIG_HOME, XDG_DATA_HOME, XDG_CACHE_HOME and XDG_STATE_HOME to a new
    folder in `tmp_path` (before the test makes its client); returns it."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    return home


def settings_home_of(vendor: str) -> pathlib.Path:
    """Where `vendor`'s settings home lies, for the HOME and XDG_DATA_HOME now set."""
    return settings_homes_root() / home_folder_name(vendor)
