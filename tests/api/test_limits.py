"""Request bodies are bounded as they arrive, chunked ones included (never read whole)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api.limits import BodyLimit, body_limit
from api.main import create_app


def test_a_chunked_body_over_the_limit_is_refused(seeded_engine: Engine) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(80):
            yield b"x" * 65_536  # 5 MB, sent without a Content-Length

    with TestClient(create_app(seeded_engine)) as client:
        response = client.post(
            "/api/chat/messages", content=chunks(), headers={"content-type": "application/json"}
        )
        assert response.status_code == 413
        assert response.json()["code"] == "payload_too_large"
        small = client.post("/api/chat/messages", json={"session_id": "x", "text": "a"})
        assert small.status_code == 422  # a small bad body still gets its own clear answer


def test_reading_stops_at_the_limit() -> None:
    seen: list[int] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            seen.append(len(message.get("body", b"")))
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    sent_chunks = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent_chunks
        sent_chunks += 1
        return {"type": "http.request", "body": b"y" * 16_384, "more_body": sent_chunks < 1000}

    responses: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        responses.append(message)

    scope = {"type": "http", "path": "/api/chat/messages", "headers": []}
    asyncio.run(BodyLimit(app)(scope, receive, send))
    assert responses[0]["status"] == 413
    assert sum(seen) <= body_limit("/api/chat/messages")
    assert sent_chunks <= body_limit("/api/chat/messages") // 16_384 + 1  # stopped reading
