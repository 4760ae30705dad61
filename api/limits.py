"""Request bodies bounded as they arrive: a declared ``Content-Length`` over the path's limit
is refused before reading, and a body without one (chunked) is counted chunk by chunk and
refused the moment it passes the limit, so no body larger than the limit is ever held."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.exceptions import HTTPException

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MAX_BODY_BYTES = 64 * 1024
# Larger bodies where staff send them: whole procedure records, and import files.
BODY_LIMITS = (("/api/admin/import", 100 * 1024 * 1024), ("/api/admin/", 2 * 1024 * 1024))
TOO_LARGE = json.dumps(
    {"detail": "Nội dung gửi lên quá lớn.", "code": "payload_too_large"}, ensure_ascii=False
).encode()


def body_limit(path: str) -> int:
    """The largest body accepted on ``path``."""
    return next((limit for prefix, limit in BODY_LIMITS if path.startswith(prefix)), MAX_BODY_BYTES)


class BodyTooLarge(HTTPException):
    """The body passed the limit while it was being read (an HTTP error, so that the
    framework's own body parsing lets it through as a 413 instead of a parse error)."""

    def __init__(self) -> None:
        super().__init__(413, "Nội dung gửi lên quá lớn.")


class BodyLimit:
    """ASGI middleware: 413 for a body over the path's limit, counted as it arrives."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope.get("path", ""))
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _refuse(send)
            return
        seen = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except BodyTooLarge:
            if not started:
                await _refuse(send)


async def _refuse(send: Send) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(TOO_LARGE)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": TOO_LARGE})
