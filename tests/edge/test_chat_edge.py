"""The web chat when the engine answers nothing (its action server is down)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api.main import create_app
from trolyao.settings import get_settings


class SilentRasa(BaseHTTPRequestHandler):
    """A local stand-in for Rasa whose action server is down: it answers ``[]``."""

    received: ClassVar[list[dict[str, Any]]] = []

    def log_message(self, *_args: Any) -> None:
        return None

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        SilentRasa.received.append(json.loads(body))
        payload = b"[]"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture
def client(seeded_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), SilentRasa)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("RASA_URL", f"http://127.0.0.1:{server.server_address[1]}")
    get_settings.cache_clear()
    try:
        with TestClient(create_app(seeded_engine)) as client:
            yield client
    finally:
        server.shutdown()
        get_settings.cache_clear()


def test_no_reply_from_the_engine_gets_the_polite_message(client: TestClient) -> None:
    response = client.post(
        "/api/chat/messages", json={"session_id": "edge-test-0001", "text": "gọi 0912345678"}
    )
    assert response.status_code == 503
    assert "thử lại" in response.json()["messages"][0]["text"]
    sent = SilentRasa.received[-1]
    assert sent["sender"] == "web-edge-test-0001"
    assert sent["message"] == "gọi [SĐT]"
    assert sent["metadata"]["channel"] == "web"
