"""One fake of the Rasa engine as the edge sees it, for the tests that need no trained model.

The edge (``edge.engine_client.RasaClient``) POSTs each redacted message to the engine's
edge channel, ``/webhooks/edge/webhook`` (``rasa_ext.channels.EdgeInput``), as JSON
``{"sender", "message", "metadata": {"channel", "message_id", ["client_key"], ["retry"]}}``
with ``Authorization: Bearer <EDGE_ENGINE_TOKEN>``, and reads back a JSON list of messages
(``{"text", "buttons"?, ...}``). Behind a balancer a lost replica shows as 502/503/504 or a
broken connection; the edge then sends the message again with ``metadata.retry``.

:class:`FakeEngine` plays that channel as an ``httpx.MockTransport`` handler (async: the
edge's client is an ``httpx.AsyncClient``), or over real HTTP on loopback for an app that
builds its own client from ``RASA_URL``; it records every message it is sent and is told
what to do per call::

    engine = FakeEngine()                                 # answers ANSWER at once
    engine = FakeEngine(replies=[{"text": "ok"}], delay=0.3)
    engine = FakeEngine(mode="error")                     # silent | error | garbage | ...
    engine = FakeEngine(script=[502, "dropped"])          # these first, then ``mode``
    edge = Edge(settings, engine.client())                # a RasaClient wired to it
    with engine.serve() as url: ...                       # RASA_URL=url
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

import httpx

from edge.engine_client import RasaClient

#: The fake engine's base URL (nothing listens there: the transport answers).
BASE_URL = "http://engine.test"
WEBHOOK = "/webhooks/edge/webhook"
READY = "/webhooks/edge/ready"

#: An answer with a button, as Rasa's collecting channel sends it.
ANSWER: list[dict[str, Any]] = [
    {
        "text": "Hộ chiếu: lệ phí 200.000 đồng",
        "buttons": [{"title": "Nộp ở đâu", "payload": "/ask_procedure_place"}],
    }
]

#: What the engine does with one call:
#: ``"answer"`` the replies (after ``delay``); ``"silent"`` an empty list (no reply);
#: ``"garbage"`` 200 with HTML instead of JSON; ``"error"`` HTTP 500;
#: ``"dropped"`` the connection breaks mid-request (a replica dying behind the balancer);
#: ``"refused"`` the connection is refused (nothing listening); an ``int``: that HTTP status.
Step = Literal["answer", "silent", "garbage", "error", "dropped", "refused"] | int


@dataclass
class FakeEngine:
    """The engine's edge channel: answers ``replies``, or as ``script`` then ``mode`` say.

    ``received`` holds the JSON bodies of the messages it was sent, in order (a message is
    recorded before its ``delay``, so a turn the edge gave up on still counts).
    ``token``, when given, is required as the bearer token (401 otherwise, as the engine).
    """

    replies: list[dict[str, Any]] = field(default_factory=lambda: list(ANSWER))
    delay: float = 0.0
    mode: Step = "answer"
    script: list[Step] = field(default_factory=list)
    token: str | None = None
    received: list[dict[str, Any]] = field(default_factory=list)

    @property
    def messages(self) -> list[str]:
        """The texts it was sent, in order."""
        return [str(body.get("message")) for body in self.received]

    def transport(self) -> httpx.MockTransport:
        """An httpx transport that this fake answers."""
        return httpx.MockTransport(self)

    def client(self, **kwargs: Any) -> RasaClient:
        """The edge's engine client, wired to this fake."""
        return RasaClient(base_url=BASE_URL, transport=self.transport(), **kwargs)

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.token is not None and request.headers.get("Authorization") != (
            f"Bearer {self.token}"
        ):
            return httpx.Response(401, json={"error": "unauthorized"})
        if request.method == "GET" and request.url.path == READY:
            return httpx.Response(200, json={"ready": True, "model_id": "fake"})
        if request.method != "POST" or request.url.path != WEBHOOK:
            return httpx.Response(404, json={"error": "not found"})
        self.received.append(json.loads(request.content))
        step = self.script.pop(0) if self.script else self.mode
        if step == "dropped":
            raise httpx.RemoteProtocolError("Server disconnected", request=request)
        if step == "refused":
            raise httpx.ConnectError("Connection refused", request=request)
        if step == "error":
            return httpx.Response(500, text="boom")
        if isinstance(step, int):
            return httpx.Response(step)
        if step == "garbage":
            return httpx.Response(200, text="<html>not json</html>")
        if self.delay:
            await asyncio.sleep(self.delay)
        return httpx.Response(200, json=[] if step == "silent" else self.replies)

    @contextmanager
    def serve(self) -> Iterator[str]:
        """Answer over real HTTP on 127.0.0.1 (each request in a thread of its own, through
        the same :meth:`__call__`); yield the base URL. A ``"dropped"`` or ``"refused"``
        step closes the connection without an answer."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: Any) -> None:
                return None

            def _handle(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                request = httpx.Request(
                    self.command,
                    f"{BASE_URL}{self.path}",
                    headers=dict(self.headers.items()),
                    content=body,
                )
                try:
                    response = asyncio.run(fake(request))
                except httpx.TransportError:
                    self.close_connection = True  # the replica went away mid-request
                    return
                content = response.content
                self.send_response(response.status_code)
                self.send_header("Content-Type", response.headers.get("content-type", "text/plain"))
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = _handle

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()
