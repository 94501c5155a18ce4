"""The studio's web application: the page, its script and style from the package, the
JSON API that changes the racks, and the WebSocket that keeps every page current."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from importlib.resources import files
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from ..errors import ScuffError
from .access import COOKIE, TokenGuard
from .hub import Hub
from .model import Studio

log = logging.getLogger("scuff.studio")

# How often every page gets each sandbox's health: well inside the 200 ms a change may take
# to be shown.
HEALTH_INTERVAL = 0.1
STATIC_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}

Handler = Callable[[Request], Awaitable[Response]]


def static_file(name: str) -> bytes:
    return files("scuff.studio").joinpath("static").joinpath(name).read_bytes()


def build_app(studio: Studio, hub: Hub, token: str) -> TokenGuard:
    """The application, behind its token."""

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        hub.attach(asyncio.get_running_loop())
        threading.Thread(target=studio.scan, name="scuff-studio-scan", daemon=True).start()
        health = asyncio.create_task(send_health())
        try:
            yield
        finally:
            health.cancel()

    async def send_health() -> None:
        while True:
            await asyncio.sleep(HEALTH_INTERVAL)
            if hub.listening:
                try:
                    hub.publish(await run_in_threadpool(studio.health))
                except Exception:
                    log.exception("the studio could not read the sandboxes' health")

    async def page(request: Request) -> Response:
        response = Response(static_file("index.html"), media_type=STATIC_TYPES[".html"])
        # The page's own requests carry the token from here on; other sites' requests do not.
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict")
        return response

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        kind = next((t for suffix, t in STATIC_TYPES.items() if name.endswith(suffix)), None)
        if kind is None or "/" in name or name.startswith("."):
            return JSONResponse({"error": f"no such file: {name}"}, status_code=404)
        try:
            return Response(static_file(name), media_type=kind, headers={"cache-control": "no-cache"})
        except FileNotFoundError:
            return JSONResponse({"error": f"no such file: {name}"}, status_code=404)

    async def feed(websocket: WebSocket) -> None:
        await websocket.accept()
        queue = hub.subscribe()
        try:
            for first in (await run_in_threadpool(lambda: {"type": "plugins", **studio.plugins()}),
                          await run_in_threadpool(lambda: {"type": "racks", **studio.describe()}),
                          await run_in_threadpool(studio.health)):
                await websocket.send_text(json.dumps(first))
            for report in studio.reports.all():
                await websocket.send_text(json.dumps(report))
            while True:
                await websocket.send_text(await queue.get())
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            hub.unsubscribe(queue)

    def action(work: Callable[[dict[str, Any], dict[str, Any]], Any]) -> Handler:
        """A JSON request run by the studio on a worker thread: its result as JSON, a
        ScuffError as 400 with the error's text, a malformed request as 400."""

        async def handle(request: Request) -> Response:
            try:
                body = await request.json() if request.method == "POST" else {}
                if not isinstance(body, dict):
                    raise ValueError("the request's body is a JSON object")
                params = {key: int(value) for key, value in request.path_params.items()}
                result = await run_in_threadpool(work, body, params)
            except ScuffError as error:
                return JSONResponse({"error": " ".join(str(error).split())}, status_code=400)
            except (ValueError, KeyError, TypeError) as error:
                return JSONResponse({"error": f"malformed request: {error}"}, status_code=400)
            return JSONResponse(result if result is not None else {})

        return handle

    def optional_int(value: Any) -> int | None:
        return None if value is None or value == "" else int(value)

    routes = [
        Route("/", page),
        Route("/static/{name}", asset),
        WebSocketRoute("/api/feed", feed),
        Route("/api/plugins", action(lambda b, p: studio.plugins())),
        Route("/api/racks", action(lambda b, p: studio.describe())),
        Route("/api/racks/new", methods=["POST"], endpoint=action(
            lambda b, p: {"id": studio.add_rack(float(b.get("sample_rate") or 48000),
                                                int(b.get("block_size") or 512))})),
        Route("/api/racks/{rack}/close", methods=["POST"], endpoint=action(lambda b, p: studio.close_rack(p["rack"]))),
        Route("/api/health", action(lambda b, p: studio.health())),
        Route("/api/devices", methods=["POST"], endpoint=action(
            lambda b, p: {"id": studio.add_device(str(b["plugin"]), optional_int(b.get("sandbox")),
                                                  optional_int(b.get("rack")))})),
        Route("/api/devices/{device}/remove", methods=["POST"], endpoint=action(
            lambda b, p: studio.remove_device(p["device"]))),
        Route("/api/devices/{device}/move", methods=["POST"], endpoint=action(
            lambda b, p: {"id": studio.move_device(p["device"], optional_int(b.get("sandbox")))})),
        Route("/api/devices/{device}/label", methods=["POST"], endpoint=action(
            lambda b, p: studio.set_label(p["device"], str(b["label"])))),
        Route("/api/devices/{device}/params/{param}", methods=["POST"], endpoint=action(
            lambda b, p: studio.set_param(p["device"], p["param"], float(b["value"])))),
        Route("/api/devices/{device}/editor", methods=["POST"], endpoint=action(
            lambda b, p: studio.show_editor(p["device"], bool(b["visible"])))),
        Route("/api/connections", methods=["POST"], endpoint=action(
            lambda b, p: studio.connect(b["source"], b["target"], bool(b.get("notes"))))),
        Route("/api/connections/remove", methods=["POST"], endpoint=action(
            lambda b, p: studio.disconnect(b["source"], b["target"], bool(b.get("notes"))))),
        Route("/api/sandboxes/{sandbox}/restart", methods=["POST"], endpoint=action(
            lambda b, p: studio.restart_sandbox(p["sandbox"]))),
        Route("/api/sandboxes/{sandbox}/close", methods=["POST"], endpoint=action(
            lambda b, p: studio.close_sandbox(p["sandbox"]))),
        Route("/api/render", methods=["POST"], endpoint=action(
            lambda b, p: studio.render(optional_int(b.get("rack")), input_path=str(b.get("input_path") or ""),
                                       output_path=str(b["output_path"]), seconds=float(b.get("seconds") or 2.0),
                                       input_device=optional_int(b.get("input_device")),
                                       output_device=optional_int(b.get("output_device"))))),
        Route("/api/reports", action(lambda b, p: {"reports": studio.reports.all()})),
        Route("/api/devices/{device}/inspect", methods=["POST"], endpoint=action(
            lambda b, p: studio.inspect_device(p["device"]))),
        Route("/api/devices/{device}/validate", methods=["POST"], endpoint=action(
            lambda b, p: studio.validate_device(p["device"], int(b.get("strictness") or 5),
                                              [str(name) for name in b["tests"]] if b.get("tests") else None))),
        Route("/api/play", methods=["POST"], endpoint=action(
            lambda b, p: studio.play(optional_int(b.get("rack")), b.get("server") or None))),
        Route("/api/stop", methods=["POST"], endpoint=action(lambda b, p: studio.stop(optional_int(b.get("rack"))))),
        Route("/api/session/save", methods=["POST"], endpoint=action(
            lambda b, p: {"path": studio.save_session(str(b["path"]), optional_int(b.get("rack")))})),
        Route("/api/session/load", methods=["POST"], endpoint=action(
            lambda b, p: {"rack": studio.load_session(str(b["path"]), optional_int(b.get("rack")))})),
    ]
    return TokenGuard(Starlette(routes=routes, lifespan=lifespan), token)
