"""A studio served from this process, and Debian's Chromium driven by Playwright to use it."""

from __future__ import annotations

import json
import os
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from scuff.studio import StudioServer

from .repo import REPO_ROOT

ARTIFACTS = REPO_ROOT / "build" / "artifacts" / "studio"
# Two effects with one mono port each side, one of them in both formats.
STUDIO_PLUGINS = ["/usr/lib/clap/ZamComp.clap", "/usr/lib/clap/ZamEQ2.clap", "/usr/lib/vst3/ZamEQ2.vst3"]


@contextmanager
def studio(extra_paths: Sequence[str] = (), **options: Any) -> Iterator[StudioServer]:
    server = StudioServer(scan_paths=[*STUDIO_PLUGINS, *extra_paths], standard_folders=False, **options)
    try:
        server.start()
        yield server
    finally:
        server.close()


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium: Debian's own, which the README's commands install."""
    from playwright.sync_api import sync_playwright

    # The wrapper on PATH, else the browser itself (the wheel's smoke test keeps PATH short).
    executable = shutil.which("chromium") or next(
        (path for path in ("/usr/lib/chromium/chromium",) if os.access(path, os.X_OK)), None)
    assert executable, "Debian's chromium is not installed (bash ci/install-system-packages.sh installs it)"
    with sync_playwright() as playwright:
        # Root may not use Chromium's own sandbox; the page is the studio's.
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


def screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def request(server: StudioServer, path: str, body: object = None, *, token: str | None = "",
            host: str | None = None) -> tuple[int, Any]:
    """An HTTP request to the studio (with its token unless told otherwise): the status and
    the JSON reply."""
    headers = {"content-type": "application/json"}
    if token is not None:
        headers["x-scuff-token"] = token or server.token
    if host is not None:
        headers["host"] = host
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    call = urllib.request.Request(f"http://127.0.0.1:{server.port}{path}", data=data, headers=headers,
                                  method="GET" if data is None else "POST")
    try:
        with urllib.request.urlopen(call, timeout=30) as response:
            return response.status, _json(response.read())
    except urllib.error.HTTPError as error:
        return error.code, _json(error.read())


def _json(data: bytes) -> Any:
    try:
        return json.loads(data)
    except ValueError:
        return data


def port_centre(page: Any, side: str, device: int, index: int = 0, kind: str = "audio") -> tuple[float, float]:
    box = page.locator(f'[data-testid="port-{side}"][data-device="{device}"][data-index="{index}"]'
                       f'[data-kind="{kind}"]').bounding_box()
    assert box is not None
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def drag_wire(page: Any, source: int, target: int) -> None:
    """A connection made as a user makes it: pressed on an output, dragged, let go on an input."""
    start = port_centre(page, "out", source)
    end = port_centre(page, "in", target)
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move((start[0] + end[0]) / 2, (start[1] + end[1]) / 2 + 30, steps=5)
    page.mouse.move(*end, steps=5)
    page.mouse.up()


def first_rack(server: StudioServer) -> Any:
    """The studio's first rack, as the API describes it."""
    status, described = request(server, "/api/racks")
    assert status == 200, described
    return described["racks"][0]
