"""Parts of `Group` and `Client`: saving a group as a session file and loading one."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, cast

from . import session_load, session_save
from .session_load import MissingPlugin

if TYPE_CHECKING:
    from .client import Client
    from .group import Group


class GroupSessions:
    """Part of `Group`: its session file."""

    _missing_plugins: tuple[MissingPlugin, ...] = ()

    def save_session(self, path: str | os.PathLike[str]) -> None:
        """Writes the group to a session file (docs/sessions.md): its sample rate and block
        size, every sandbox with its limits and restart policy, every device with its plugin
        (file and id), state, parameter values, label and editor size, every audio and note
        connection, and the transport. `Client.load_session` builds it again."""
        session_save.save_session(cast("Group", self), path)

    @property
    def missing_plugins(self) -> list[MissingPlugin]:
        """The devices `Client.load_session(..., skip_missing=True)` left out of this group
        because their plugin could not be loaded, with the reason."""
        return list(self._missing_plugins)


class ClientSessions:
    """Part of `Client`: loading session files."""

    def load_session(self, path: str | os.PathLike[str], *, skip_missing: bool = False) -> Group:
        """A new group built from a session file written by `Group.save_session`, with
        every sandbox, device, state, parameter value, label and connection it holds.

        A file from a newer scuff raises SessionVersionError; one that is not a session, is
        truncated or damaged, SessionFormatError; a damaged or refused device state,
        SessionStateError; a plugin that is not installed (or cannot be loaded),
        MissingPluginError, unless `skip_missing`: then the other devices are loaded and
        the group's `missing_plugins` names those left out. Whatever fails, nothing of the
        session is left behind."""
        return session_load.load_session(cast("Client", self), path, skip_missing=skip_missing)
