"""Response headers every route gets without remembering to: staff and citizens' JSON is
never cached (``Cache-Control: no-store``: it may hold a contact, a conversation, a session).

The public catalogue (``/api/procedures``, ``/api/life-events``) may be cached; nothing
else under ``/api/`` may. The docs page sets its own CSP (:func:`docs_headers`).
"""

from __future__ import annotations

import base64
import hashlib
import re

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Paths whose answers are public facts (the same for everyone, no personal data).
CACHEABLE = ("/api/procedures", "/api/life-events")


def private(path: str) -> bool:
    """Whether answers on ``path`` must never be stored by a browser or a proxy."""
    return path.startswith("/api/") and not path.startswith(CACHEABLE)


class PrivateByDefault:
    """``Cache-Control: no-store`` on every private answer that does not set its own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not private(str(scope.get("path", ""))):
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if "cache-control" not in headers:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, with_headers)


def docs_headers(html: str) -> dict[str, str]:
    """A strict CSP for the API docs page ``html``: its scripts from this site, and its one
    inline script by hash; never framed."""
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in re.findall(r"<script>(.*?)</script>", html, re.S)
    ]
    csp = (
        f"default-src 'none'; script-src 'self' {' '.join(hashes)}; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )
    return {
        "Content-Security-Policy": csp,
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    }
