"""A nested X server (Xephyr) for the editors of a sandbox with `SandboxLimits(x11="nested")`.
The sandbox reaches no connection to the session's server at all: its view shows, as the
X socket folder, a folder of the client's holding a hard link to the nested server's socket
under the session display's name, and its cookie is the nested server's. The nested server
is itself an untrusted client of the session's (the X SECURITY extension), so nothing the
plugin sends through it can read the session's other windows or take their input; inside,
its editors get every extension, OpenGL among them. Its window on the session's screen is
sized by the client to the editors it holds."""

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
from .x11_authority import MIT_MAGIC_COOKIE, Cookie, write_authority
from .x11_connection import UNTRUSTED, X11Connection, X11Error

XEPHYR = "Xephyr"
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
        self._own_dir = Path(tempfile.mkdtemp(prefix="scuff-xephyr-"))
        self._link = socket_folder / f"X{outer.number}"
        try:
            outer_authority = self._own_dir / "outer"
            if security is not None:
                self._auth_id, cookie = session.generate_authorization(security, UNTRUSTED, auth_timeout_s)
                write_authority(outer_authority, outer.number, cookie)
                self.untrusted = True
            else:
                # No SECURITY extension: the nested server connects as the client does. The
                # sandbox still reaches only the nested server.
                shutil.copyfile(os.environ.get("XAUTHORITY") or Path.home() / ".Xauthority", outer_authority)
                self.untrusted = False
            inner = Cookie(MIT_MAGIC_COOKIE, secrets.token_bytes(16))
            inner_authority = self._own_dir / "inner"
            write_authority(inner_authority, 0, inner)
            self.number = self._start(outer, outer_authority, inner_authority)
            self.extensions = self._extensions(inner)
            os.link(Display(self.number).socket, self._link)
            write_authority(sandbox_authority, outer.number, inner)
            self._window = self._find_window()
        except OSError as error:
            self.stop()
            raise EditorError(f"the nested X server could not be set up: {error}") from None
        except BaseException:
            self.stop()
            raise

    def _start(self, outer: Display, outer_authority: Path, inner_authority: Path) -> int:
        read_fd, write_fd = os.pipe()
        log = self._own_dir / "log"
        env = {**os.environ, "DISPLAY": f":{outer.number}", "XAUTHORITY": str(outer_authority)}
        width, height = FIRST_SCREEN
        with open(log, "wb") as log_file:
            self._process: subprocess.Popen[bytes] | None = subprocess.Popen(
                [XEPHYR, "-displayfd", str(write_fd), "-auth", str(inner_authority), "-nolisten", "tcp",
                 "-noreset", "-resizeable", "-no-host-grab", "-br", "-title", self._title,
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

    def _extensions(self, inner: Cookie) -> list[str]:
        with X11Connection(Display(self.number), inner) as probe:
            return probe.list_extensions()

    def _find_window(self) -> int:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            window = self._session.find_window(self._title)
            if window or time.monotonic() > deadline:
                return window
            time.sleep(0.02)

    def fit(self, size: tuple[int, int] | None, title: str | None = None, transient_for: int = 0) -> None:
        """Sizes its window on the session's screen to hold editors of `size` (None: no editor
        is shown, and the window is hidden), titles it `title`, and makes it transient for
        the host's window `transient_for` (0: none)."""
        if not self._window:
            return
        try:
            with self._lock:
                if size is None:
                    self._session.set_mapped(self._window, False)
                    return
                self._session.configure_size(self._window, *size)
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
        with self._lock:
            if self._auth_id and self._security is not None:
                self._session.revoke_authorization(self._security, self._auth_id)
                self._auth_id = 0
        shutil.rmtree(self._own_dir, ignore_errors=True)
