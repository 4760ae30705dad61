"""The one edge: every channel gets the same limits and the same texts, and the engine only
ever sees redacted text (web chat and Telegram adapters against a local stand-in engine)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api.main import create_app
from bot.telegram import TelegramBridge
from edge.engine_client import EngineUnavailable
from edge.pipeline import Edge
from tests.support.engine import ANSWER, FakeEngine
from trolyao.replies import edge_reply
from trolyao.settings import Settings

SETTINGS = Settings(chat_max_chars=50, chat_rate_per_session=3, chat_rate_per_ip=100)


def make_edge(engine: FakeEngine) -> Edge:
    return Edge(SETTINGS, engine.client())


class WebChat:
    """The web chat's adapter, driven over HTTP."""

    name = "web"

    def __init__(self, client: TestClient, engine: FakeEngine) -> None:
        self.client = client
        client.app.state.edge = make_edge(engine)  # type: ignore[attr-defined]

    def say(self, text: str) -> tuple[list[str], list[str]]:
        body = self.client.post(
            "/api/chat/messages", json={"session_id": "edge-channel-01", "text": text}
        ).json()
        messages = body["messages"]
        return [m["text"] for m in messages], [b["title"] for m in messages for b in m["buttons"]]


class Telegram:
    """The Telegram adapter, driven through its handler with a recording bot."""

    name = "telegram"

    def __init__(self, engine: FakeEngine) -> None:
        self.bridge = TelegramBridge(
            Settings(telegram_bot_token="123:abc", chat_rate_per_session=3, chat_max_chars=50),
            make_edge(engine),
        )
        self.sent: list[tuple[str, Any]] = []

        async def send_message(_chat: int, text: str, **kwargs: Any) -> None:
            self.sent.append((text, kwargs.get("reply_markup")))

        async def send_chat_action(*_args: Any) -> None:
            return None

        self.context = SimpleNamespace(
            bot=SimpleNamespace(send_message=send_message, send_chat_action=send_chat_action)
        )
        self.update = SimpleNamespace(
            effective_chat=SimpleNamespace(id=42), effective_user=SimpleNamespace(id=4242)
        )

    def say(self, text: str) -> tuple[list[str], list[str]]:
        self.sent.clear()
        asyncio.run(self.bridge.converse(self.update, self.context, text))  # type: ignore[arg-type]
        texts = [text for text, _markup in self.sent]
        titles = [
            row[0].text for _text, markup in self.sent if markup for row in markup.inline_keyboard
        ]
        return texts, titles


@pytest.fixture
def web_client(seeded_engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(seeded_engine)) as client:
        yield client


@pytest.fixture(params=["web", "telegram"])
def channel(request: pytest.FixtureRequest, web_client: TestClient) -> Iterator[Any]:
    engine = FakeEngine()
    adapter = WebChat(web_client, engine) if request.param == "web" else Telegram(engine)
    adapter.engine = engine
    yield adapter


def test_an_answer_comes_back_with_its_buttons(channel: Any) -> None:
    texts, titles = channel.say("lệ phí làm hộ chiếu, sđt em 0912 345 678")
    assert texts == ["Hộ chiếu: lệ phí 200.000 đồng"]
    assert titles == ["Nộp ở đâu"]
    sent = channel.engine.received[-1]
    assert sent["message"] == "lệ phí làm hộ chiếu, sđt em [SĐT]"
    assert sent["metadata"]["channel"] == channel.name
    assert len(sent["metadata"]["message_id"]) >= 16  # every message has an id
    assert "retry" not in sent["metadata"]


def test_an_empty_message_gets_the_same_text(channel: Any) -> None:
    assert channel.say(" \u200b ")[0] == [edge_reply("empty")]
    assert channel.engine.received == []


def test_a_too_long_message_gets_the_same_limit_and_text(channel: Any) -> None:
    assert channel.say("x" * 51)[0] == [edge_reply("too_long", max_chars=50)]
    assert channel.say("x" * 50)[0] == ["Hộ chiếu: lệ phí 200.000 đồng"]


def test_the_rate_limit_is_the_same(channel: Any) -> None:
    answers = [channel.say(f"câu hỏi {i}")[0] for i in range(4)]
    assert answers[:3] == [["Hộ chiếu: lệ phí 200.000 đồng"]] * 3
    assert answers[3] == [edge_reply("rate_limited")]


@pytest.mark.parametrize("mode", ["silent", "error", "garbage"])
def test_a_broken_engine_gets_the_same_polite_text(channel: Any, mode: str) -> None:
    channel.engine.mode = mode
    assert channel.say("làm căn cước")[0] == [edge_reply("unavailable")]


def test_the_web_chat_says_each_refusal_in_http(web_client: TestClient) -> None:
    WebChat(web_client, FakeEngine())
    post = web_client.post
    assert (
        post("/api/chat/messages", json={"session_id": "web-http-001", "text": " "}).status_code
        == 422
    )
    too_long = post("/api/chat/messages", json={"session_id": "web-http-002", "text": "x" * 51})
    assert (too_long.status_code, too_long.json()["code"]) == (413, "too_long")
    codes = [
        post("/api/chat/messages", json={"session_id": "web-http-003", "text": "hỏi"}).status_code
        for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]


def test_a_lost_replica_is_retried_with_the_same_id() -> None:
    """The balancer says the replica died (502), or the connection breaks: the message is
    sent again, marked as a retry with the same id (the engine answers a retry from its
    tracker when the turn was applied). Right after the death the balancer may still pick
    the dead replica, so a second loss is retried once more; a third is not."""
    # 502 from the balancer, then the balancer's connection dies with the replica
    engine = FakeEngine(script=[502, "dropped"])

    async def scenario() -> None:
        client = engine.client()
        try:
            assert await client.send("web-x", "hộ chiếu", "web", "m-7") == ANSWER
        finally:
            await client.aclose()

    asyncio.run(scenario())
    calls = engine.received
    assert [c["metadata"].get("retry") for c in calls] == [None, True, True]
    assert {c["metadata"]["message_id"] for c in calls} == {"m-7"}

    broken = FakeEngine(mode="refused")

    async def twice() -> None:
        client = broken.client()
        try:
            with pytest.raises(EngineUnavailable):
                await client.send("web-y", "hộ chiếu", "web")
        finally:
            await client.aclose()

    asyncio.run(twice())
    assert len(broken.received) == 3  # tried twice more, then the citizen gets the polite reply


def test_a_message_whose_replica_died_waits_for_the_other_one() -> None:
    """The first replica died (502), the other is slow: past the usual deadline the
    citizen still gets the real answer rather than "try again"."""
    engine = FakeEngine(script=[502], delay=0.3)  # lost, then slow

    async def scenario() -> Any:
        settings = Settings(engine_timeout_seconds=0.2)
        edge = Edge(settings, engine.client())
        try:
            return await edge.handle(channel="web", sender="web-f", text="hộ chiếu")
        finally:
            await edge.aclose()

    result = asyncio.run(scenario())
    assert result.outcome == "answered"


def test_receipt_codes_tried_from_one_address_are_limited() -> None:
    from edge.pipeline import LOOKUPS_PER_10_MINUTES

    engine = FakeEngine()
    edge = Edge(Settings(chat_rate_per_session=1000, chat_rate_per_ip=1000), engine.client())

    async def run() -> list[str]:
        outcomes = []
        for i in range(LOOKUPS_PER_10_MINUTES + 1):  # a new session each time, one address
            code = f"000.00.12.H37-251124-{i:04d}"
            result = await edge.handle(
                channel="web", sender=f"web-scan{i:04d}", text=f"tra cứu {code}", client="1.2.3.4"
            )
            outcomes.append(result.outcome)
        other = await edge.handle(
            channel="web",
            sender="web-other",
            text="tra cứu 000.00.12.H37-251124-9999",
            client="5.6.7.8",
        )
        plain = await edge.handle(
            channel="web", sender="web-plain", text="làm hộ chiếu", client="1.2.3.4"
        )
        outcomes += [other.outcome, plain.outcome]
        await edge.aclose()
        return outcomes

    outcomes = asyncio.run(run())
    assert outcomes[:LOOKUPS_PER_10_MINUTES] == ["answered"] * LOOKUPS_PER_10_MINUTES
    assert outcomes[LOOKUPS_PER_10_MINUTES] == "rate_limited"
    assert outcomes[-2:] == ["answered", "answered"]  # another address; no code
    # the engine never saw the refused look-up
    assert len(engine.received) == LOOKUPS_PER_10_MINUTES + 2


def test_notices_are_limited_per_address(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    from trolyao.settings import get_settings

    monkeypatch.setenv("CHAT_RATE_PER_IP", "3")
    get_settings.cache_clear()
    try:
        with TestClient(create_app(engine)) as client:
            codes = [
                client.post("/api/chat/notices", json={"session_id": f"sweep-{i:06d}"}).status_code
                for i in range(5)
            ]
    finally:
        get_settings.cache_clear()
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
