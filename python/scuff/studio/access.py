"""Who may use the studio: whoever holds its token. The server listens on 127.0.0.1 only,
yet every local user can reach that; the token in the address printed at start is the key.
The page at `/?token=...` sets it as a same-site cookie, so its own requests carry it;
scripts may send it as the `X-Scuff-Token` header instead. Requests naming another host
are refused too, so a web page cannot reach the studio through a name of its own."""

from __future__ import annotations

import hmac
import secrets
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

COOKIE = "scuff_studio_token"
HEADER = b"x-scuff-token"
LOCAL_HOSTS = ("127.0.0.1", "localhost")

Scope = dict[str, Any]


def new_token() -> str:
    return secrets.token_urlsafe(24)


class TokenGuard:
    """ASGI middleware: HTTP requests without the token get 403; WebSockets are closed
    before they are accepted (which the client sees as a 403 too)."""

    def __init__(self, app: Any, token: str) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket") or self.admits(scope):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        body = b'{"error": "this studio needs the token from the address it printed at start"}'
        await send({"type": "http.response.start", "status": 403,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    def admits(self, scope: Scope) -> bool:
        headers = dict(scope.get("headers") or [])
        host = headers.get(b"host", b"").decode("latin-1").rsplit(":", 1)[0]
        if host not in LOCAL_HOSTS:
            return False
        offered = [*parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token", [])]
        if HEADER in headers:
            offered.append(headers[HEADER].decode("latin-1"))
        if b"cookie" in headers:
            cookie = SimpleCookie()
            try:
                cookie.load(headers[b"cookie"].decode("latin-1"))
            except Exception:
                cookie = SimpleCookie()
            if COOKIE in cookie:
                offered.append(cookie[COOKIE].value)
        return any(hmac.compare_digest(candidate.encode(), self.token.encode()) for candidate in offered)
