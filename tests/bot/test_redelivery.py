"""One redelivery memory for every channel (trolyao.deliveries.first_delivery, the table
``channel_deliveries``): a webhook that Telegram or Zalo delivers again is answered once,
even when the redelivery reaches another API replica, Redis or not. Two app instances on
one database (SQLite and PostgreSQL), the fake Telegram and Zalo APIs, the fake engine."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from api.main import create_app
from bench.peers.telegram import TOKEN, FakeTelegram, message_update
from bench.peers.zalo import FakeZalo
from bot.zalo import signature
from tests.support.engine import FakeEngine
from trolyao.db import make_engine
from trolyao.deliveries import DELIVERY_MEMORY, Delivery, first_delivery, forget_deliveries
from trolyao.settings import get_settings

EDGE_TOKEN = "edge-token-of-the-redelivery-tests-0123456789"
HOOK_SECRET = "hook-secret-of-the-redelivery-tests-0123456789"
ZALO_APP_ID = "1234567890"
ZALO_OA_SECRET = "oa-secret-of-the-redelivery-tests"
REPLY = [{"text": "Lệ phí: 50.000 đồng"}]


@pytest.fixture
def fake_engine() -> Iterator[tuple[FakeEngine, str]]:
    engine = FakeEngine(replies=REPLY, token=EDGE_TOKEN)
    with engine.serve() as url:
        yield engine, url


def two_replicas(
    fresh_url: str, monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
) -> Iterator[tuple[TestClient, TestClient]]:
    """Two API instances, each with its own connection pool, on one database, no Redis."""
    for name, value in {"EDGE_ENGINE_TOKEN": EDGE_TOKEN, **env}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("REDIS_URL", raising=False)
    get_settings.cache_clear()
    pools = [make_engine(fresh_url) for _ in range(2)]
    try:
        with ExitStack() as stack:
            one, two = (stack.enter_context(TestClient(create_app(pool))) for pool in pools)
            yield one, two
    finally:
        for pool in pools:
            pool.dispose()
        get_settings.cache_clear()


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


@pytest.fixture
def telegram_replicas(
    engine: Engine,
    fresh_url: str,
    monkeypatch: pytest.MonkeyPatch,
    telegram: FakeTelegram,
    fake_engine: tuple[FakeEngine, str],
) -> Iterator[tuple[TestClient, TestClient]]:
    yield from two_replicas(
        fresh_url,
        monkeypatch,
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_MODE": "webhook",
            "TELEGRAM_WEBHOOK_SECRET": HOOK_SECRET,
            "TELEGRAM_ID_SECRET": "id-secret-of-the-redelivery-tests-0123456789",
            "TELEGRAM_BASE_URL": telegram.base_url,
            "RASA_URL": fake_engine[1],
        },
    )


def test_telegram_answers_an_update_once_wherever_it_is_redelivered(
    telegram_replicas: tuple[TestClient, TestClient],
    telegram: FakeTelegram,
    fake_engine: tuple[FakeEngine, str],
) -> None:
    one, two = telegram_replicas
    headers = {"X-Telegram-Bot-Api-Secret-Token": HOOK_SECRET}
    update = message_update(7001, 501, "lệ phí chứng thực di chúc")
    assert one.post("/api/telegram/webhook", json=update, headers=headers).json() == {"ok": True}
    for replica in (one, two):  # redelivered to the same replica, then to the other
        again = replica.post("/api/telegram/webhook", json=update, headers=headers)
        assert again.json() == {"ok": True, "duplicate": True}
    telegram.wait_for(lambda: len(telegram.sent(501)) >= 1, 10.0)
    time.sleep(1.0)  # a second answer would have arrived by now
    assert [m["text"] for m in telegram.sent(501)] == ["Lệ phí: 50.000 đồng"]
    assert fake_engine[0].messages == ["lệ phí chứng thực di chúc"]
    # a new update is answered by either replica
    other = message_update(7002, 501, "còn gì nữa")
    assert two.post("/api/telegram/webhook", json=other, headers=headers).json() == {"ok": True}
    telegram.wait_for(lambda: len(telegram.sent(501)) >= 2, 10.0)


@pytest.fixture
def zalo() -> Iterator[FakeZalo]:
    server = FakeZalo().start()
    yield server
    server.stop()


@pytest.fixture
def zalo_replicas(
    engine: Engine,
    fresh_url: str,
    monkeypatch: pytest.MonkeyPatch,
    zalo: FakeZalo,
    fake_engine: tuple[FakeEngine, str],
) -> Iterator[tuple[TestClient, TestClient]]:
    yield from two_replicas(
        fresh_url,
        monkeypatch,
        {
            "ZALO_APP_ID": ZALO_APP_ID,
            "ZALO_OA_SECRET_KEY": ZALO_OA_SECRET,
            "ZALO_ACCESS_TOKEN": "access-1",
            "ZALO_REFRESH_TOKEN": "refresh-1",
            "ZALO_APP_SECRET": "app-secret",
            "ZALO_API_BASE_URL": zalo.base_url,
            "ZALO_OAUTH_BASE_URL": zalo.base_url,
            "ZALO_ID_SECRET": "id-secret-of-the-redelivery-tests-0123456789",
            "CHANNEL_TOKEN_KEY": "k" * 16 + "channel-token-key-of-the-tests",
            "RASA_URL": fake_engine[1],
        },
    )


def zalo_event(user: str, text: str, msg_id: str) -> tuple[bytes, dict[str, str]]:
    """A signed ``user_send_text`` event and its headers."""
    timestamp = str(int(time.time() * 1000))
    raw = json.dumps(
        {
            "app_id": ZALO_APP_ID,
            "event_name": "user_send_text",
            "timestamp": timestamp,
            "sender": {"id": user},
            "recipient": {"id": "oa-1"},
            "message": {"text": text, "msg_id": msg_id},
        },
        ensure_ascii=False,
    ).encode()
    mac = signature(ZALO_APP_ID, raw, timestamp, ZALO_OA_SECRET)
    return raw, {"X-ZEvent-Signature": f"mac={mac}", "Content-Type": "application/json"}


def test_zalo_answers_an_event_once_wherever_it_is_redelivered(
    zalo_replicas: tuple[TestClient, TestClient],
    zalo: FakeZalo,
    fake_engine: tuple[FakeEngine, str],
) -> None:
    one, two = zalo_replicas
    raw, headers = zalo_event("zuser-r1", "lệ phí chứng thực di chúc", "zm-1")
    assert one.post("/api/zalo/webhook", content=raw, headers=headers).json() == {"ok": True}
    for replica in (one, two):
        again = replica.post("/api/zalo/webhook", content=raw, headers=headers)
        assert again.json() == {"ok": True, "duplicate": True}
    assert zalo.wait_for("zuser-r1", 1, timeout=10) == ["Lệ phí: 50.000 đồng"]
    assert zalo.wait_for("zuser-r1", 2, timeout=1) == ["Lệ phí: 50.000 đồng"]  # no second
    assert fake_engine[0].messages == ["lệ phí chứng thực di chúc"]
    raw, headers = zalo_event("zuser-r1", "còn gì nữa", "zm-2")
    assert two.post("/api/zalo/webhook", content=raw, headers=headers).json() == {"ok": True}
    assert len(zalo.wait_for("zuser-r1", 2, timeout=10)) == 2


def test_one_memory_per_channel_shared_by_processes_and_forgotten_after_a_day(
    engine: Engine, fresh_url: str
) -> None:
    other_process = make_engine(fresh_url)
    try:
        assert first_delivery(engine, "telegram", "42") is True
        assert first_delivery(other_process, "telegram", "42") is False
        assert first_delivery(other_process, "zalo", "42") is True  # another channel's id
        with Session(engine) as session:
            assert first_delivery(session, "zalo", "42") is False  # a session works as well
            kept = session.get(Delivery, ("telegram", "42"))
            assert kept is not None
            kept.received_at -= DELIVERY_MEMORY * 2
            session.commit()
            assert forget_deliveries(session) == 1  # the worker's purge
            session.commit()
        assert first_delivery(other_process, "telegram", "42") is True
        assert first_delivery(engine, "zalo", "42") is False
    finally:
        other_process.dispose()
