"""Deadlines and retries at the edge: the citizen waits at most the edge's deadline for the
whole reply, and a retry that carries the same message id never makes a second turn."""

from __future__ import annotations

import asyncio
import time

from edge.pipeline import Edge
from tests.support.engine import FakeEngine
from trolyao.replies import edge_reply
from trolyao.settings import Settings

ANSWER = [{"text": "Lệ phí: 7.000 đồng"}]


def slow_engine(delay: float) -> FakeEngine:
    """An engine (its action server, really) that takes ``delay`` seconds per turn."""
    return FakeEngine(replies=ANSWER, delay=delay)


def make_edge(engine: FakeEngine, deadline: float) -> Edge:
    settings = Settings(engine_timeout_seconds=deadline, chat_rate_per_session=100)
    return Edge(settings, engine.client())


def test_the_citizen_waits_no_longer_than_the_deadline() -> None:
    async def scenario() -> tuple[float, str]:
        edge = make_edge(slow_engine(5.0), deadline=0.3)
        started = time.monotonic()
        result = await edge.handle(channel="web", sender="web-s1", text="lệ phí tạm trú")
        await edge.aclose()
        return time.monotonic() - started, result.outcome

    elapsed, outcome = asyncio.run(scenario())
    assert outcome == "unavailable"
    assert elapsed < 1.0


def test_a_retry_with_the_same_message_id_makes_no_second_turn() -> None:
    async def scenario() -> tuple[list[str], int, list[str]]:
        engine = slow_engine(0.45)
        edge = make_edge(engine, deadline=0.3)
        ask = {"channel": "web", "sender": "web-s2", "text": "lệ phí tạm trú"}
        first = await edge.handle(**ask, message_id="m-1")  # gives up at 0.3 s
        retry = await edge.handle(**ask, message_id="m-1")  # joins the same turn
        again = await edge.handle(**ask, message_id="m-1")  # answered from memory
        other = await edge.handle(**ask, message_id="m-2")  # a new message: a new turn
        await asyncio.sleep(0.7)
        await edge.aclose()
        outcomes = [first.outcome, retry.outcome, again.outcome]
        texts = [r.replies[0].text for r in (first, retry, again, other)]
        return outcomes, len(engine.received), texts

    outcomes, turns, texts = asyncio.run(scenario())
    assert outcomes == ["unavailable", "answered", "answered"]
    assert texts[0] == edge_reply("unavailable")
    assert texts[1] == texts[2] == "Lệ phí: 7.000 đồng"
    assert turns == 2  # m-1 once, m-2 once


def test_without_a_message_id_each_message_is_its_own_turn() -> None:
    async def scenario() -> int:
        engine = slow_engine(0.0)
        edge = make_edge(engine, deadline=2.0)
        for _ in range(2):
            await edge.handle(channel="web", sender="web-s3", text="lệ phí tạm trú")
        await edge.aclose()
        return len(engine.received)

    assert asyncio.run(scenario()) == 2


def test_the_chat_api_takes_a_message_id_and_checks_its_shape() -> None:
    from fastapi.testclient import TestClient

    from api.main import create_app
    from trolyao.db import make_engine

    engine = slow_engine(0.0)
    app = create_app(make_engine("sqlite://"))
    with TestClient(app) as client:
        app.state.edge = make_edge(engine, deadline=2.0)
        body = {"session_id": "sess-0001", "text": "lệ phí", "message_id": "abc-1"}
        assert client.post("/api/chat/messages", json=body).status_code == 200
        assert client.post("/api/chat/messages", json=body).status_code == 200
        assert len(engine.received) == 1
        bad = client.post("/api/chat/messages", json={**body, "message_id": "x y"})
        assert bad.status_code == 422
