"""The Telegram channel, against a local fake Bot API and the running assistant."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from bench.peers.telegram import TOKEN, FakeTelegram, callback_update, message_update
from bot.telegram import TelegramBridge, sender_id
from bot.text import split_text
from edge.engine_client import RasaClient
from edge.pipeline import Edge
from edge.shared import Payloads
from tests.support.assistant import Assistant, free_port
from trolyao.db import make_engine
from trolyao.settings import Settings, get_settings

SECRET = "id-secret-of-the-telegram-tests-0123456789"


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    yield server
    server.stop()


def button(message: dict[str, Any], title: str) -> str:
    markup = message["reply_markup"]
    markup = json.loads(markup) if isinstance(markup, str) else markup
    return next(
        b["callback_data"] for row in markup["inline_keyboard"] for b in row if b["text"] == title
    )


def test_sender_ids_are_stable_and_do_not_reveal_the_user() -> None:
    first, again, other = sender_id(4242, SECRET), sender_id(4242, SECRET), sender_id(4243, SECRET)
    assert first == again != other
    assert "4242" not in first and first.startswith("tg-") and len(first) == 35
    assert sender_id(4242, "another secret") != first


def test_long_replies_are_split_at_telegram_limit_without_breaking_entities() -> None:
    text = "\n".join(f"• dòng {i} " + "x" * 50 for i in range(200))
    parts = split_text(text, 4096)
    assert all(len(p) <= 4096 for p in parts) and len(parts) > 1
    assert "\n".join(parts).replace("\n", "") == text.replace("\n", "")
    escaped = "&amp;" * 2000
    assert all(p.endswith(";") for p in split_text(escaped, 4096))


def test_payloads_map_to_short_callback_data() -> None:
    async def scenario() -> None:
        store = Payloads(None, size=2)
        long_payload = '/ask_procedure_documents{"procedure_key": "' + "x" * 200 + '"}'
        key = await store.key_for(long_payload)
        assert len(key.encode()) <= 64
        assert await store.payload_for(key) == long_payload
        await store.key_for("/a")
        await store.key_for("/b")
        assert await store.payload_for(key) is None  # evicted, bounded memory

    asyncio.run(scenario())


def test_polling_conversation_with_buttons_commands_and_redaction(
    fake: FakeTelegram, assistant: Assistant
) -> None:
    settings = Settings(
        telegram_bot_token=TOKEN, telegram_base_url=fake.base_url, telegram_id_secret=SECRET
    )
    bridge = TelegramBridge(settings, Edge(settings, RasaClient(base_url=assistant.rasa_url)))
    user = 4242

    async def scenario() -> None:
        application = bridge.build(settings, webhook=False)
        await application.initialize()
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0.05, timeout=1)
        try:
            fake.push(message_update(1, user, "thu tuc lam ho chieu"))
            await asyncio.to_thread(fake.wait_for, lambda: len(fake.sent(user)) >= 2)
            answer = fake.sent(user)[0]
            assert "Cấp hộ chiếu phổ thông trong nước" in answer["text"]
            assert answer["parse_mode"] == "HTML"
            fake.push(callback_update(2, user, button(answer, "Lệ phí")))
            await asyncio.to_thread(
                fake.wait_for,
                lambda: any("Nộp trực tiếp: 200.000 đồng" in m["text"] for m in fake.sent(user)),
            )
            assert any(m == "answerCallbackQuery" for m, _ in fake.calls)
            fake.push(message_update(3, user, "/start"))
            await asyncio.to_thread(
                fake.wait_for, lambda: any("trợ lý ảo" in m["text"] for m in fake.sent(user))
            )
            fake.push(message_update(4, user, "/xoadulieu"))
            await asyncio.to_thread(
                fake.wait_for, lambda: any("chắc muốn xóa" in m["text"] for m in fake.sent(user))
            )
            before = len(fake.sent(user))
            fake.push(
                message_update(5, user, "sđt của tôi 0912 345 678, lệ phí làm hộ chiếu bao nhiêu")
            )
            await asyncio.to_thread(fake.wait_for, lambda: len(fake.sent(user)) >= before + 2)
            assert "400.000đ/hộ chiếu" in fake.sent(user)[before]["text"]
        finally:
            await application.updater.stop()
            await application.stop()
            await application.shutdown()
            await bridge.edge.aclose()

    asyncio.run(scenario())
    with sqlite3.connect(assistant.tracker_db) as conn:
        texts = [
            json.loads(r[0]).get("text")
            for r in conn.execute(
                "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user'",
                (sender_id(user, SECRET),),
            )
        ]
    assert "sđt của tôi [SĐT], lệ phí làm hộ chiếu bao nhiêu" in texts
    assert not any("0912" in (t or "") for t in texts)


@pytest.fixture
def webhook_client(
    fake: FakeTelegram, assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    for key, value in {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_MODE": "webhook",
        "TELEGRAM_WEBHOOK_SECRET": "hook-secret-of-the-telegram-tests-0123456789",
        "TELEGRAM_ID_SECRET": SECRET,
        "TELEGRAM_BASE_URL": fake.base_url,
        "RASA_URL": assistant.rasa_url,
        "DATABASE_URL": assistant.database_url,
    }.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    try:
        with TestClient(create_app(make_engine(assistant.database_url))) as client:
            yield client
    finally:
        get_settings.cache_clear()


def test_webhook_rejects_a_missing_or_wrong_secret(webhook_client: TestClient) -> None:
    update = message_update(100, 77, "xin chào")
    assert webhook_client.post("/api/telegram/webhook", json=update).status_code == 403
    wrong = webhook_client.post(
        "/api/telegram/webhook", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "nope"}
    )
    assert wrong.status_code == 403


def test_webhook_acknowledges_then_answers_and_ignores_duplicates(
    webhook_client: TestClient, fake: FakeTelegram
) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": "hook-secret-of-the-telegram-tests-0123456789"}
    update = message_update(200, 88, "lệ phí chứng thực di chúc")
    first = webhook_client.post("/api/telegram/webhook", json=update, headers=headers)
    again = webhook_client.post("/api/telegram/webhook", json=update, headers=headers)
    assert first.json() == {"ok": True}
    assert again.json() == {"ok": True, "duplicate": True}
    fake.wait_for(lambda: len(fake.sent(88)) >= 2)
    time.sleep(1.0)  # a second answer would have arrived by now
    answers = [m for m in fake.sent(88) if "50.000 đồng (/di chúc)" in m["text"]]
    assert len(answers) == 1
    bad = webhook_client.post("/api/telegram/webhook", content=b"not json", headers=headers)
    assert bad.status_code == 400


def test_engine_down_tells_the_citizen_within_5_seconds(
    fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch, assistant: Assistant
) -> None:
    settings = Settings(
        telegram_bot_token=TOKEN, telegram_base_url=fake.base_url, telegram_id_secret=SECRET
    )
    engine_down = RasaClient(base_url=f"http://127.0.0.1:{free_port()}")
    bridge = TelegramBridge(settings, Edge(settings, engine_down))

    async def scenario() -> float:
        application = bridge.build(settings, webhook=True)
        await application.initialize()
        await application.start()
        try:
            from telegram import Update

            started = time.monotonic()
            await application.update_queue.put(
                Update.de_json(message_update(300, 99, "xin chào"), application.bot)
            )
            await asyncio.to_thread(fake.wait_for, lambda: len(fake.sent(99)) >= 1, 10.0)
            return time.monotonic() - started
        finally:
            await application.stop()
            await application.shutdown()

    elapsed = asyncio.run(scenario())
    assert elapsed < 5
    assert "thử lại" in fake.sent(99)[0]["text"]
