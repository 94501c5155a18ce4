"""The X server access a confined sandbox's editors get: never the session's cookie (the
user's authority file is outside the sandbox's view), but a cookie of the sandbox's own
that the client asks the server for when the sandbox shows its first editor, written to
the sandbox's private folder (its XAUTHORITY). With `SandboxLimits(x11="untrusted")` the
cookie is untrusted (the X SECURITY extension, as `ssh -X` uses it): its connections cannot
read or change other clients' windows or take their input, but get only the extensions the
server allows untrusted clients (on X.Org: BIG-REQUESTS and XC-MISC; no GLX, RENDER, MIT-SHM
or XKEYBOARD); "trusted" lets OpenGL editors draw and be embedded. Either cookie is revoked
by the client when the sandbox's process ends (by the server, a minute after the sandbox's
last connection closes, if the client is gone first). With x11="nested", which the default
"auto" is where Xephyr is installed, the sandbox's editors get a server of their own instead
(x11_nested.py), and no way to the session's."""

from __future__ import annotations

import grp
import os
import pwd
from dataclasses import dataclass
from pathlib import Path

from ..errors import EditorError, NoDisplayError
from .display import Display, local_display
from .limits import XEPHYR, SandboxLimits, X11Mode
from .report import ConfinementItem
from .x11_authority import session_cookie, write_authority
from .x11_connection import (
    FAMILY_LOCAL_HOST,
    FAMILY_SERVER_INTERPRETED,
    TRUSTED,
    UNTRUSTED,
    Host,
    X11Connection,
    X11Error,
)
from .x11_nested import NestedServer

WHAT = "X11"
# Seconds after the sandbox's last connection closes until the server revokes its cookie.
AUTH_TIMEOUT_S = 60


def before_first_editor(limits: SandboxLimits, mode: X11Mode) -> ConfinementItem:
    """What a sandbox's X11 item says until its first editor is shown; `mode` is
    `limits.x11_mode()`, as it was when its process started."""
    if mode == "nested":
        return ConfinementItem(WHAT, True, f"x11={limits.x11!r}, no connection yet: when it shows its first editor, "
                                           "the client starts an X server of its own for it (Xephyr); the session's "
                                           "X server is not in its view")
    untrusted = mode == "untrusted"
    fallback = (f"x11='auto' without Xephyr ({XEPHYR} not found; Debian: xserver-xephyr), so x11='trusted': "
                if limits.x11 == "auto" else "")
    return ConfinementItem(WHAT, untrusted, f"{fallback}no connection yet: when it shows its first editor, the client "
                                            f"asks the X server for {'an untrusted' if untrusted else 'a trusted'} "
                                            "cookie of its own (the session's stays out of its view)")


@dataclass
class X11Grant:
    """What a sandbox's X connections may do, and the client's own connection that made its
    cookie: kept open while the sandbox lives (an X server left with no client resets and
    forgets the cookies it made), and the cookie revoked when the sandbox's process ends."""

    item: ConfinementItem
    connection: X11Connection | None = None
    security: int = 0
    auth_id: int = 0
    nested: NestedServer | None = None

    def revoke(self) -> None:
        if self.nested is not None:
            self.nested.stop()
            self.nested = None
        if self.connection is not None:
            if self.security:
                self.connection.revoke_authorization(self.security, self.auth_id)
            self.connection.close()
            self.connection = None


def grant_display(mode: X11Mode, authority_file: Path, nested_socket_folder: Path | None = None,
                  nested_title: str = "") -> X11Grant | None:
    """Writes the sandbox's own cookie to `authority_file` and says what it allows; None
    when DISPLAY names no local display (the sandbox then says why it cannot show an
    editor). With x11="nested", starts its nested server, titled `nested_title`, whose
    socket goes in `nested_socket_folder`. Raises NoDisplayError when the server cannot be
    reached, EditorError when an untrusted cookie or a nested server is asked for and the
    server cannot make one."""
    display = local_display()
    if display is None:
        return None
    untrusted = mode == "untrusted"
    try:
        connection = X11Connection(display, session_cookie(display.number))
    except X11Error as error:
        raise NoDisplayError(str(error)) from None
    try:
        security = connection.query_extension("SECURITY")
        if mode == "nested" and nested_socket_folder is not None:
            nested = NestedServer(display, connection, security, nested_socket_folder, authority_file, nested_title,
                                  AUTH_TIMEOUT_S)
            return X11Grant(_nested_item(nested), connection, nested=nested)
        enabled, hosts = connection.list_hosts()
        if security is None:
            if untrusted:
                raise EditorError(f"SandboxLimits(x11='untrusted'): the X server of :{display.number} has no "
                                  "SECURITY extension, so it cannot make an untrusted cookie; use x11='trusted'")
            return X11Grant(_without_security(display, authority_file, enabled, hosts), connection)
        auth_id, cookie = connection.generate_authorization(security, UNTRUSTED if untrusted else TRUSTED,
                                                            AUTH_TIMEOUT_S)
        grant = X11Grant(ConfinementItem(WHAT, False, ""), connection, security, auth_id)
        write_authority(authority_file, display.number, cookie)
        extensions = None
        if untrusted:
            with X11Connection(display, cookie) as probe:
                extensions = probe.list_extensions()
        grant.item = _granted(untrusted, extensions, admitted_without_cookie(display, enabled, hosts))
        return grant
    except X11Error as error:
        connection.close()
        raise NoDisplayError(str(error)) from None
    except BaseException:
        connection.close()
        raise


def _granted(untrusted: bool, extensions: list[str] | None, door: str | None) -> ConfinementItem:
    if not untrusted:
        how = ("x11='trusted': a trusted cookie of its own, revoked when it ends; its plugins can read other "
               "clients' windows and input")
        return ConfinementItem(WHAT, False, how + (f"; the server also admits {door} without a cookie" if door else ""))
    offered = ", ".join(sorted(extensions or [])) or "none"
    how = (f"x11='untrusted': an untrusted cookie of its own (X SECURITY extension), revoked when it ends: no other "
           f"client's window contents, properties to change or input events, no keyboard state; extensions "
           f"untrusted clients get: {offered}")
    if door:
        return ConfinementItem(WHAT, False, f"{how}; but the server admits {door} without a cookie, so a plugin can "
                                            "open a trusted connection of its own")
    return ConfinementItem(WHAT, True, how)


def _nested_item(nested: NestedServer) -> ConfinementItem:
    outer = ("an untrusted client of the session's (X SECURITY extension)" if nested.untrusted else
             "a client of the session's with its cookie (the server has no SECURITY extension)")
    glx = "OpenGL (GLX) among its extensions" if "GLX" in nested.extensions else "no OpenGL (GLX)"
    return ConfinementItem(WHAT, True, f"x11='nested': its editors reach only an X server of their own (Xephyr, "
                                       f"display :{nested.number}), itself {outer}: no other client's windows, "
                                       f"properties or input, no keyboard grab of the session's; {glx}; "
                                       "its editors float in that server's window, none can be embedded")


def _without_security(display: Display, authority_file: Path, enabled: bool, hosts: list[Host]) -> ConfinementItem:
    cookie = session_cookie(display.number)
    if cookie is not None:
        write_authority(authority_file, display.number, cookie)
    door = admitted_without_cookie(display, enabled, hosts)
    return ConfinementItem(WHAT, False, "x11='trusted': this X server has no SECURITY extension to make a cookie of "
                                        "the sandbox's own, so it gets the session's"
                                        + (f"; the server admits {door} without a cookie" if door else ""))


def admitted_without_cookie(display: Display, enabled: bool, hosts: list[Host]) -> str | None:
    """Whom, of those a sandbox could be, the server lets in with no cookie at all (found by
    trying, and named from its access list); None when nobody."""
    try:
        X11Connection(display, None).close()
    except X11Error:
        return None
    if not enabled:
        return "every client (access control is off)"
    user = pwd.getpwuid(os.getuid()).pw_name
    groups = {grp.getgrgid(gid).gr_name for gid in {*os.getgroups(), os.getgid()} if _has_group(gid)}
    for host in hosts:
        if host.family == FAMILY_LOCAL_HOST:
            return "every local client (xhost +local:)"
        if host.family == FAMILY_SERVER_INTERPRETED:
            kind, _, value = host.address.partition(b"\0")
            name = value.decode("utf-8", errors="replace")
            if kind == b"localuser" and name == user:
                return f"this user (xhost +si:localuser:{user})"
            if kind == b"localgroup" and name in groups:
                return f"this user's group (xhost +si:localgroup:{name})"
    return "every local client (the server was started without authorization)"


def _has_group(gid: int) -> bool:
    try:
        grp.getgrgid(gid)
    except KeyError:
        return False
    return True
