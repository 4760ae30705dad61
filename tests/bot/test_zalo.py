"""The Zalo OA channel end to end: a local fake Zalo API (real HTTP), real signatures, our
API, and the real engine and action server behind the edge."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete
from sqlalchemy.orm import Session

from api.main import create_app
from bench.peers.zalo import FakeZalo
from bot.zalo import MAX_TEXT, messages_for, sender_id, signature
from edge.pipeline import Button, Reply
from tests.support.assistant import Assistant, free_port
from trolyao.db import make_engine
from trolyao.deliveries import ChannelTokens, TokenCipher, load_tokens
from trolyao.replies import edge_reply
from trolyao.settings import get_settings

APP_ID = "1234567890"
OA_SECRET = "oa-secret-for-tests"


TOKEN_KEY = "k" * 16 + "channel-token-key-of-the-tests"
ID_SECRET = "id-secret-of-the-zalo-tests-0123456789"


def event(user: str, text: str, msg_id: str, name: str = "user_send_text") -> bytes:
    body = {
        "app_id": APP_ID,
        "event_name": name,
        "timestamp": str(int(time.time() * 1000)),
        "sender": {"id": user},
        "recipient": {"id": "oa-1"},
        "message": {"text": text, "msg_id": msg_id},
    }
    return json.dumps(body, ensure_ascii=False).encode()


def signed(raw: bytes) -> dict[str, str]:
    timestamp = json.loads(raw)["timestamp"]
    mac = signature(APP_ID, raw, timestamp, OA_SECRET)
    return {"X-ZEvent-Signature": f"mac={mac}", "Content-Type": "application/json"}


@pytest.fixture
def zalo() -> Iterator[FakeZalo]:
    fake = FakeZalo().start()
    yield fake
    fake.stop()


def _client(
    monkeypatch: pytest.MonkeyPatch, assistant: Assistant, zalo: FakeZalo, rasa_url: str
) -> TestClient:
    for name, value in {
        "RASA_URL": rasa_url,
        "ZALO_APP_ID": APP_ID,
        "ZALO_OA_SECRET_KEY": OA_SECRET,
        "ZALO_ACCESS_TOKEN": "access-1",
        "ZALO_REFRESH_TOKEN": "refresh-1",
        "ZALO_APP_SECRET": "app-secret",
        "ZALO_API_BASE_URL": zalo.base_url,
        "ZALO_OAUTH_BASE_URL": zalo.base_url,
        "ZALO_ID_SECRET": ID_SECRET,
        "CHANNEL_TOKEN_KEY": TOKEN_KEY,
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    engine = make_engine(assistant.database_url)
    with Session(engine) as session, session.begin():
        session.execute(delete(ChannelTokens))  # each test starts from the settings' tokens
    return TestClient(create_app(engine))


@pytest.fixture
def client(
    monkeypatch: pytest.MonkeyPatch, assistant: Assistant, zalo: FakeZalo
) -> Iterator[TestClient]:
    with _client(monkeypatch, assistant, zalo, assistant.rasa_url) as client:
        yield client
    get_settings.cache_clear()


def test_a_signed_event_is_answered_through_the_engine(client: TestClient, zalo: FakeZalo) -> None:
    raw = event("zuser-1", "thu tuc lam ho chieu", "m-1")
    started = time.monotonic()
    response = client.post("/api/zalo/webhook", content=raw, headers=signed(raw))
    assert response.status_code == 200
    assert time.monotonic() - started < 2  # acknowledged before the answer is worked out
    texts = zalo.wait_for("zuser-1", 2)
    assert any("hộ chiếu" in t.lower() for t in texts), texts
    with_buttons = [b for b in zalo.sent if "attachment" in b["message"]]
    buttons = with_buttons[0]["message"]["attachment"]["payload"]["buttons"]
    assert 0 < len(buttons) <= 5
    assert all(b["type"] == "oa.query.hide" and b["payload"] for b in buttons)


def test_a_wrong_or_missing_signature_is_refused(client: TestClient, zalo: FakeZalo) -> None:
    raw = event("zuser-2", "thu tuc lam ho chieu", "m-2")
    assert client.post("/api/zalo/webhook", content=raw).status_code == 401
    bad = {"X-ZEvent-Signature": "mac=" + "0" * 64}
    assert client.post("/api/zalo/webhook", content=raw, headers=bad).status_code == 401
    tampered = raw.replace(b"ho chieu", b"khai sinh")
    assert (
        client.post("/api/zalo/webhook", content=tampered, headers=signed(raw)).status_code == 401
    )
    assert zalo.texts_to("zuser-2") == []


def test_a_redelivered_event_is_answered_once(client: TestClient, zalo: FakeZalo) -> None:
    raw = event("zuser-3", "xin chào", "m-3")
    assert client.post("/api/zalo/webhook", content=raw, headers=signed(raw)).json() == {"ok": True}
    count = len(zalo.wait_for("zuser-3", 1))
    again = client.post("/api/zalo/webhook", content=raw, headers=signed(raw))
    assert again.json() == {"ok": True, "duplicate": True}
    assert len(zalo.wait_for("zuser-3", count + 1, timeout=2)) == count


def test_an_expired_token_is_refreshed_kept_and_the_message_sent(
    client: TestClient, zalo: FakeZalo, assistant: Assistant
) -> None:
    zalo.expire()
    raw = event("zuser-4", "xin chào", "m-4")
    client.post("/api/zalo/webhook", content=raw, headers=signed(raw))
    assert zalo.wait_for("zuser-4", 1), "sent after the refresh"
    assert zalo.refreshes[0] == {
        "refresh_token": "refresh-1",
        "app_id": APP_ID,
        "grant_type": "refresh_token",
        "secret_key": "app-secret",
    }
    with Session(make_engine(assistant.database_url)) as session:
        kept = load_tokens(session, "zalo", TokenCipher(TOKEN_KEY))
        raw = session.get(ChannelTokens, "zalo")
    assert kept == ("access-2", "refresh-2")
    # never in plain text in the database
    assert raw is not None and "access-2" not in raw.access_token
    assert raw.refresh_token is not None and "refresh-2" not in raw.refresh_token


def test_a_button_press_continues_the_dialogue(client: TestClient, zalo: FakeZalo) -> None:
    first = event("zuser-5", "thu tuc lam ho chieu", "m-5")
    client.post("/api/zalo/webhook", content=first, headers=signed(first))
    zalo.wait_for("zuser-5", 2)
    buttons = next(b for b in zalo.sent if "attachment" in b["message"])["message"]["attachment"]
    fee = next(b for b in buttons["payload"]["buttons"] if b["title"] == "Lệ phí")
    pressed = event("zuser-5", fee["payload"], "m-6")
    client.post("/api/zalo/webhook", content=pressed, headers=signed(pressed))
    assert any("200.000" in t for t in zalo.wait_for("zuser-5", 4))


def test_personal_data_never_reaches_the_tracker_raw(
    client: TestClient, zalo: FakeZalo, assistant: Assistant
) -> None:
    raw = event("zuser-6", "sđt em 0976 543 210, làm hộ chiếu cần gì", "m-7")
    client.post("/api/zalo/webhook", content=raw, headers=signed(raw))
    assert zalo.wait_for("zuser-6", 2)
    with sqlite3.connect(assistant.tracker_db) as conn:
        rows = conn.execute(
            "SELECT data FROM events WHERE sender_id = ?", (sender_id("zuser-6", ID_SECRET),)
        )
        said = [json.loads(r[0]).get("text") or "" for r in rows]
        everything = " ".join(r[0] for r in conn.execute("SELECT data FROM events"))
    assert "sđt em [SĐT], làm hộ chiếu cần gì" in said
    assert "0976 543 210" not in everything and "zuser-6" not in everything


def test_the_engine_down_gets_the_polite_reply(
    monkeypatch: pytest.MonkeyPatch, assistant: Assistant, zalo: FakeZalo
) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    with _client(monkeypatch, assistant, zalo, dead) as client:
        raw = event("zuser-7", "làm căn cước", "m-8")
        client.post("/api/zalo/webhook", content=raw, headers=signed(raw))
        assert zalo.wait_for("zuser-7", 1) == [edge_reply("unavailable")]
    get_settings.cache_clear()


def test_a_long_answer_is_split_and_buttons_capped() -> None:
    long_reply = Reply("dòng thông tin\n" * 280, [Button(f"Nút {i}", f"/p{i}") for i in range(7)])
    bodies = messages_for("zuser-8", long_reply)
    texts = [b["message"]["text"] for b in bodies]
    assert len(long_reply.text) > 4000 and len(bodies) >= 2
    assert all(len(t) <= MAX_TEXT for t in texts)
    assert "".join(texts).replace("\n", "") == long_reply.text.replace("\n", "")
    assert [
        len(b["message"].get("attachment", {}).get("payload", {}).get("buttons", []))
        for b in bodies
    ][-1] == 5


def test_images_and_stickers_get_a_short_polite_text(client: TestClient, zalo: FakeZalo) -> None:
    raw = event("zuser-9", "", "m-9", name="user_send_sticker")
    client.post("/api/zalo/webhook", content=raw, headers=signed(raw))
    assert zalo.wait_for("zuser-9", 1) == [edge_reply("unsupported")]
    unfollow = event("zuser-9", "", "m-10", name="unfollow")
    client.post("/api/zalo/webhook", content=unfollow, headers=signed(unfollow))
    assert zalo.wait_for("zuser-9", 2, timeout=2) == [edge_reply("unsupported")]
