"""A nested X server (Xephyr) for the editors of a sandbox with `SandboxLimits(x11="nested")`.
The sandbox reaches no connection to the session's server at all: its view shows, as the
X socket folder, a folder of the client's holding a hard link to the nested server's socket
under the session display's name, and its cookie is the nested server's. The nested server
is itself an untrusted client of the session's (the X SECURITY extension), so nothing the
plugin sends through it can read the session's other windows or take their input; inside,
its editors get every extension, OpenGL among them. Its screen lives in a window of the
client's on the session's screen (Xephyr -parent), which the client sizes to the editors it
holds, side by side; when the user closes that window, the client passes the close on to each editor in
it, as a window manager would, so the sandbox closes them as usual."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from ..errors import EditorError
from .display import SOCKET_FOLDER, Display
from .limits import XEPHYR
from .x11_authority import MIT_MAGIC_COOKIE, Cookie, session_cookie, write_authority
from .x11_connection import UNTRUSTED, X11Connection, X11Error

# Until the nested server says it accepts connections, and until its window is on the screen.
START_TIMEOUT_S = 5.0
# Its screen before the first editor's size is known; the window follows the editors.
FIRST_SCREEN = (640, 480)
STOP_GRACE_S = 2.0


def make_socket_folder() -> Path:
    """The folder a nested sandbox's view shows as the X socket folder: next to the real one,
    since a hard link cannot cross file systems."""
    return Path(tempfile.mkdtemp(prefix=f"scuff-x11-{os.getpid()}-", dir=SOCKET_FOLDER.parent))


class NestedServer:
    """One Xephyr on the session's display `outer`, reached by the client through `session`
    (its trusted connection), shown to a sandbox as display `outer.number` through
    `socket_folder`, its cookie written to `sandbox_authority`."""

    def __init__(self, outer: Display, session: X11Connection, security: int | None, socket_folder: Path,
                 sandbox_authority: Path, title: str, auth_timeout_s: int) -> None:
        if shutil.which(XEPHYR) is None:
            raise EditorError("SandboxLimits(x11='nested') needs the Xephyr X server (Debian: xserver-xephyr)")
        self._session = session
        # The session's connection is used from the caller's thread and the event loop's.
        self._lock = threading.Lock()
        self._security = security
        self._auth_id = 0
        self._title = title
        self._window = 0
        self._screen_window = 0
        self._frame: X11Connection | None = None
        self._inner: X11Connection | None = None
        # The connection that made the window was closed by the server: nothing more to read.
        self.window_lost = False
        self._own_dir = Path(tempfile.mkdtemp(prefix="scuff-xephyr-"))
        self._link = socket_folder / f"X{outer.number}"
        try:
            outer_authority = self._own_dir / "outer"
            cookie: Cookie | None
            if security is not None:
                self._auth_id, cookie = session.generate_authorization(security, UNTRUSTED, auth_timeout_s)
                self.untrusted = True
            else:
                # No SECURITY extension: the nested server connects as the client does. The
                # sandbox still reaches only the nested server.
                cookie = session_cookie(outer.number)
                self.untrusted = False
            if cookie is not None:
                write_authority(outer_authority, outer.number, cookie)
            else:
                shutil.copyfile(os.environ.get("XAUTHORITY") or Path.home() / ".Xauthority", outer_authority)
            # Made with the nested server's own cookie: an untrusted client may make windows
            # only inside those of untrusted clients.
            self._frame, self._window = self._make_window(outer, cookie)
            inner = Cookie(MIT_MAGIC_COOKIE, secrets.token_bytes(16))
            inner_authority = self._own_dir / "inner"
            write_authority(inner_authority, 0, inner)
            self.number = self._start(outer, outer_authority, inner_authority)
            self._inner = X11Connection(Display(self.number), inner)
            self.extensions = self._inner.list_extensions()
            self._inner_protocols = self._inner.intern_atom("WM_PROTOCOLS")
            self._inner_delete = self._inner.intern_atom("WM_DELETE_WINDOW")
            os.link(Display(self.number).socket, self._link)
            write_authority(sandbox_authority, outer.number, inner)
            self._screen_window = self._find_screen_window()
        except (X11Error, OSError) as error:
            self.stop()
            raise EditorError(f"the nested X server could not be set up: {error}") from None
        except BaseException:
            self.stop()
            raise

    def _make_window(self, outer: Display, cookie: Cookie | None) -> tuple[X11Connection, int]:
        """The window the nested server's screen lives in, made by a connection of its own:
        the window manager's close message goes to the client that made the window."""
        frame = X11Connection(outer, cookie)
        try:
            window = frame.create_window(*FIRST_SCREEN)
            self._protocols, self._delete = frame.intern_atom("WM_PROTOCOLS"), frame.intern_atom("WM_DELETE_WINDOW")
            frame.set_atoms(window, self._protocols, [self._delete])
            self._session.set_name(window, self._title)
        except BaseException:
            frame.close()
            raise
        return frame, window

    @property
    def window(self) -> int:
        """Its window on the session's display, which holds its screen."""
        return self._window

    @property
    def close_requests(self) -> int:
        """The descriptor that becomes readable when the user may have closed the window."""
        return self._frame.fileno() if self._frame is not None else -1

    def closed_by_user(self) -> bool:
        """Whether the window manager asked for the window to close (reads what arrived).
        A connection the server closed counts as such a request."""
        if self._frame is None or self.window_lost:
            return False
        try:
            messages = self._frame.client_messages()
        except X11Error:
            self.window_lost = True
            return True
        return any(kind == self._protocols and value == self._delete for _, kind, value in messages)

    def close_editors(self, windows: list[int]) -> None:
        """Passes a close on to each editor window (of the nested server's), as a window
        manager would: the sandbox closes them and tells the client."""
        for window in windows:
            try:
                if self._inner is not None:
                    self._inner.send_client_message(window, self._inner_protocols, self._inner_delete)
            except X11Error:
                continue  # closed meanwhile

    def _start(self, outer: Display, outer_authority: Path, inner_authority: Path) -> int:
        read_fd, write_fd = os.pipe()
        log = self._own_dir / "log"
        env = {**os.environ, "DISPLAY": f":{outer.number}", "XAUTHORITY": str(outer_authority)}
        width, height = FIRST_SCREEN
        with open(log, "wb") as log_file:
            self._process: subprocess.Popen[bytes] | None = subprocess.Popen(
                [XEPHYR, "-displayfd", str(write_fd), "-auth", str(inner_authority), "-nolisten", "tcp",
                 "-noreset", "-resizeable", "-no-host-grab", "-br", "-parent", str(self._window),
                 "-screen", f"{width}x{height}"],
                pass_fds=(write_fd,), stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT, env=env,
                start_new_session=True)
        os.close(write_fd)
        number = b""
        deadline = time.monotonic() + START_TIMEOUT_S
        with os.fdopen(read_fd, "rb", buffering=0) as numbers:
            os.set_blocking(numbers.fileno(), False)
            while not number.endswith(b"\n") and time.monotonic() < deadline and self._process.poll() is None:
                try:
                    number += numbers.read(16) or b""
                except BlockingIOError:
                    pass
                time.sleep(0.01)
        if not number.strip().isdigit():
            said = log.read_bytes()[-400:].decode(errors="replace").strip()
            raise EditorError(f"the nested X server did not start: {said or 'it said nothing'}")
        return int(number)

    def _find_screen_window(self) -> int:
        """Xephyr's own window, inside the client's: sized with it, since Xephyr follows
        the size of its own window, not its parent's."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            with self._lock:
                children = self._session.children(self._window)
            if children or time.monotonic() > deadline:
                return children[0] if children else 0
            time.sleep(0.02)

    def fit(self, editors: list[tuple[int, tuple[int, int]]], title: str | None = None,
            transient_for: int = 0) -> None:
        """Places the editors shown, (window on the nested server, size) in the order they
        were shown, side by side from the left, and sizes its window on the session's screen
        to hold them (with none, the window is hidden); titles it `title`, and makes it
        transient for the host's window `transient_for` (0: none)."""
        if not self._window:
            return
        size = None
        if editors:
            size = (sum(w for _, (w, _) in editors), max(h for _, (_, h) in editors))
        with self._lock:
            left = 0
            for window, (width, _) in editors:
                try:
                    if window and self._inner is not None:
                        self._inner.move(window, left, 0)
                except X11Error:
                    pass  # closed meanwhile
                left += width
        try:
            with self._lock:
                if size is None:
                    self._session.set_mapped(self._window, False)
                    return
                self._session.configure_size(self._window, *size)
                if self._screen_window:
                    self._session.configure_size(self._screen_window, *size)
                if title:
                    self._session.set_name(self._window, title)
                if transient_for:
                    self._session.set_transient_for(self._window, transient_for)
                self._session.set_mapped(self._window, True)
        except X11Error as error:
            raise EditorError(f"the nested X server's window could not be sized: {error}") from None

    def stop(self) -> None:
        process, self._process = getattr(self, "_process", None), None
        if process is not None:
            process.terminate()
            try:
                process.wait(STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._link.unlink(missing_ok=True)
        for connection in (self._inner, self._frame):
            if connection is not None:
                connection.close()  # the window goes with the connection that made it
        self._inner = self._frame = None
        with self._lock:
            if self._auth_id and self._security is not None:
                self._session.revoke_authorization(self._security, self._auth_id)
                self._auth_id = 0
        shutil.rmtree(self._own_dir, ignore_errors=True)
