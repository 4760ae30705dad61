"""The edge's state shared by API replicas through a real Redis (a server of the test's
own, so that it can be restarted): rate limits counted once across replicas, a retried
message id answered once wherever it lands, button payloads known to every replica, and
nothing lost while Redis restarts. (The messengers' redeliveries are remembered in the
database: tests/bot/test_redelivery.py.)"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from edge.pipeline import Edge
from edge.shared import Payloads, redis_client
from tests.support.engine import FakeEngine
from tests.support.services import RedisServer
from trolyao.settings import Settings

pytestmark = pytest.mark.services

ANSWER = [{"text": "Hộ chiếu: lệ phí 200.000 đồng"}]


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    assert shutil.which("redis-server"), "make test needs Redis (scripts/test-prerequisites)"
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def replica(url: str, engine: FakeEngine, **limits: int) -> Edge:
    settings = Settings(
        redis_url=url,
        chat_rate_per_session=limits.get("per_session", 3),
        chat_rate_per_ip=limits.get("per_ip", 100),
    )
    return Edge(settings, engine.client())


def test_limits_and_retries_hold_across_two_replicas(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        engine = FakeEngine(replies=ANSWER)
        one, two = replica(redis_server.url, engine), replica(redis_server.url, engine)
        try:
            outcomes = []
            for edge in (one, two, one, two):
                result = await edge.handle(channel="web", sender="web-s1", text="hộ chiếu")
                outcomes.append(result.outcome)
            assert outcomes == ["answered", "answered", "answered", "rate_limited"]
            # a retry of one message id, landing on the other replica: one turn only
            first = await one.handle(
                channel="web", sender="web-s2", text="lệ phí", message_id="m-1"
            )
            await asyncio.sleep(0.05)  # the answer is stored when the turn settles
            again = await two.handle(
                channel="web", sender="web-s2", text="lệ phí", message_id="m-1"
            )
            assert first.replies == again.replies and again.outcome == "answered"
            assert [m["sender"] for m in engine.received].count("web-s2") == 1
        finally:
            await one.aclose()
            await two.aclose()

    asyncio.run(scenario())


def test_button_payloads_are_known_to_every_replica(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        a, b = redis_client(redis_server.url), redis_client(redis_server.url)
        try:
            key = await Payloads(a).key_for('/ask_procedure_fee{"procedure_key": "1.001193"}')
            assert await Payloads(b).payload_for(key) == (
                '/ask_procedure_fee{"procedure_key": "1.001193"}'
            )
        finally:
            await a.aclose()
            await b.aclose()

    asyncio.run(scenario())


def test_nothing_is_lost_while_redis_restarts(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        engine = FakeEngine(replies=ANSWER)
        edge = replica(redis_server.url, engine, per_session=2)
        try:
            for _ in range(2):
                assert (await edge.handle(channel="web", sender="web-r", text="a")).answered
            limited = await edge.handle(channel="web", sender="web-r", text="a")
            assert limited.outcome == "rate_limited"
            redis_server.stop()
            # Redis down: every message still reaches the engine and is answered
            for i in range(3):
                result = await edge.handle(
                    channel="web", sender=f"web-down-{i}", text="lệ phí", message_id=f"d{i}"
                )
                assert result.answered
            redis_server.start()  # an empty Redis (no persistence): limits start again
            await asyncio.sleep(0.2)
            results = [
                (await edge.handle(channel="web", sender="web-back", text="a")).outcome
                for _ in range(3)
            ]
            assert results == ["answered", "answered", "rate_limited"]  # limits recovered
        finally:
            await edge.aclose()

    asyncio.run(scenario())
