"""End to end: a real trained model, the real action server, a real database.

Needs the trained model (``make test`` trains it first when its inputs changed).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from tests.support.assistant import Assistant, free_port
from trolyao.analytics.ingest import Ingester
from trolyao.db import make_engine
from trolyao.deletion import process_deletions
from trolyao.runtime.engine import engine_command, engine_env, model_path
from trolyao.settings import PROJECT_ROOT, get_settings


def test_a_conversation_with_follow_ups_answers_from_the_knowledge_base(
    assistant: Assistant,
) -> None:
    overview = assistant.text("e2e-1", "thu tuc lam ho chieu")
    assert "Cấp hộ chiếu phổ thông trong nước" in overview
    assert "toàn trình" in overview
    fee = assistant.text("e2e-1", "còn lệ phí thì sao?")
    # the national record's fee per channel: in person 200.000, 400.000 to replace a lost one
    assert "Nộp trực tiếp: 200.000 đồng" in fee and "400.000đ" in fee
    place = assistant.text("e2e-1", "nộp ở đâu?")
    assert "Công an" in place
    switched = assistant.text("e2e-1", "thế còn đăng ký khai sinh thì cần giấy tờ gì")
    assert "Đăng ký khai sinh (mã 1.001193)" in switched
    assert "Giấy chứng sinh" in switched
    assert "Cập nhật:" in switched and "Nguồn: https://dichvucong.gov.vn/" in switched


def test_unaccented_and_abbreviated_questions(assistant: Assistant) -> None:
    answer = assistant.text("e2e-2", "dk tam tru mat may ngay")
    assert "Đăng ký tạm trú (mã 1.004194)" in answer and "3 ngày làm việc" in answer
    answer = assistant.text("e2e-2", "lltp het bn tien")
    assert "200.000 đồng" in answer


def test_unknown_facts_are_never_invented(assistant: Assistant) -> None:
    answer = assistant.text("e2e-3", "lệ phí cải chính thông tin hộ tịch bao nhiêu")
    assert "chưa có thông tin chính thức" in answer
    assert "https://dichvucong.gov.vn" in answer


def test_answers_offer_feedback_buttons(assistant: Assistant) -> None:
    messages = assistant.say("e2e-4", "chứng thực di chúc mất bao nhiêu tiền")
    assert "50.000 đồng (/di chúc)" in str(messages[0]["text"])
    payloads = [b["payload"] for m in messages for b in m.get("buttons", [])]  # type: ignore[attr-defined]
    assert '/feedback{"feedback_value": "up"}' in payloads
    assert "Cảm ơn" in assistant.text("e2e-4", '/feedback{"feedback_value": "up"}')


def test_dossier_status_and_handoff(assistant: Assistant) -> None:
    status = assistant.text("e2e-5", "tra cứu hồ sơ 000.00.12.H37-251124-0007")
    assert "đang xử lý" in status and "Đăng ký thường trú" in status
    consent = assistant.text("e2e-5", "cho tôi gặp cán bộ")
    assert "Bạn có đồng ý để lại số điện thoại" in consent
    handoff = assistant.text("e2e-5", "không")  # no contact: the help desk's instead
    assert "0205 3 999 999" in handoff
    assert assistant.slots("e2e-5")["handoff_requested"] is True


def test_a_hand_off_through_the_chat_api_keeps_the_contact_out_of_the_engine(
    assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from trolyao.handoffs import Handoff

    monkeypatch.setenv("RASA_URL", assistant.rasa_url)
    get_settings.cache_clear()
    app_engine = make_engine(assistant.database_url)
    session_id = "handoff-e2e-01"

    def chat(client: TestClient, text: str) -> str:
        response = client.post("/api/chat/messages", json={"session_id": session_id, "text": text})
        assert response.status_code == 200, response.text
        return "\n".join(m["text"] for m in response.json()["messages"])

    try:
        with TestClient(create_app(app_engine)) as client:
            assert "Bạn có đồng ý" in chat(client, "cho tôi nói chuyện với cán bộ")
            assert "số điện thoại hoặc thư điện tử" in chat(client, "có")
            done = chat(client, "0912 345 678, em hỏi về hồ sơ đất đai ạ")
            assert "đã ghi nhận yêu cầu và cách liên hệ" in done
    finally:
        get_settings.cache_clear()
    with Session(app_engine) as session:
        case = session.scalars(
            select(Handoff).where(Handoff.sender_id == f"web-{session_id}")
        ).one()
        assert (case.contact, case.stage, case.status) == ("0912 345 678", "done", "moi")
    events = assistant.events(f"web-{session_id}")
    assert any(e.get("event") == "user" for e in events)
    dumped = json.dumps(events, ensure_ascii=False)
    assert "345 678" not in dumped and "345678" not in dumped  # the engine never saw it
    assert "[SĐT]" not in dumped  # nor the placeholder: only that a contact was given


def test_ambiguity_offers_buttons(assistant: Assistant) -> None:
    messages = assistant.say("e2e-6", "thủ tục hộ kinh doanh")
    buttons = [b for m in messages for b in m.get("buttons", [])]  # type: ignore[attr-defined]
    assert len(buttons) >= 2
    chosen = assistant.text("e2e-6", buttons[0]["payload"])
    assert buttons[0]["title"] in chosen


def test_out_of_scope_and_fallback(assistant: Assistant) -> None:
    assert "chỉ hỗ trợ các thủ tục hành chính" in assistant.text("e2e-7", "kể chuyện cười đi")


@pytest.mark.parametrize(
    ("sender", "text", "procedure"),
    [
        ("e2e-7a", "Bà ngoại tôi vừa qua đời sáng nay.", "Đăng ký khai tử"),
        ("e2e-7b", "con trai toi bi bai nao tu be", "Xác định mức độ khuyết tật"),
        ("e2e-7c", "vc e mới thuê trọ ở gần kcn", "Đăng ký tạm trú"),
    ],
)
def test_a_situation_told_without_a_question_is_offered_its_procedure(
    assistant: Assistant, sender: str, text: str, procedure: str
) -> None:
    messages = assistant.say(sender, text)
    titles = [b["title"] for m in messages for b in m.get("buttons", [])]  # type: ignore[attr-defined]
    answered = any(procedure in str(m.get("text", "")) for m in messages)
    assert answered or procedure in titles, messages
    assert "chỉ hỗ trợ các thủ tục hành chính" not in str(messages)


def test_every_turn_is_stored_in_the_tracker_store(assistant: Assistant) -> None:
    assistant.say("e2e-8", "xin chào")
    with sqlite3.connect(assistant.tracker_db) as conn:
        rows = conn.execute("SELECT count(*) FROM events WHERE sender_id='e2e-8'").fetchone()[0]
    assert rows > 0


def test_data_deletion_removes_the_conversation(assistant: Assistant) -> None:
    assistant.say("e2e-9", "làm hộ chiếu")
    assert "chắc muốn xóa" in assistant.text("e2e-9", "xóa dữ liệu của tôi")
    assert "xóa khỏi hệ thống" in assistant.text("e2e-9", "có")
    app_engine = make_engine(assistant.database_url)
    tracker_engine = make_engine(f"sqlite:///{assistant.tracker_db}")
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=10)
    report = process_deletions(
        app_engine,
        tracker_engine,
        grace=dt.timedelta(seconds=3),
        resweep=dt.timedelta(seconds=60),
        now=later,
    )
    assert report.events_deleted > 0
    with sqlite3.connect(assistant.tracker_db) as conn:
        left = conn.execute("SELECT count(*) FROM events WHERE sender_id='e2e-9'").fetchone()[0]
    assert left == 0
    app_engine.dispose()
    tracker_engine.dispose()


def test_deleted_text_is_left_in_no_file(assistant: Assistant) -> None:
    words = "chuyện riêng của nhà tôi mã 7G3K"
    assistant.say("e2e-wipe", f"làm hộ chiếu, {words}")
    assistant.say("e2e-wipe", "xóa dữ liệu của tôi")
    assistant.say("e2e-wipe", "có")
    folder = assistant.tracker_db.parent
    app_engine = make_engine(assistant.database_url)
    tracker_engine = make_engine(f"sqlite:///{assistant.tracker_db}")
    broker_engine = make_engine(f"sqlite:///{folder / 'events.db'}")
    Ingester(app_engine, broker_engine).run_until_idle()  # analytics holds it too, until now
    process_deletions(
        app_engine,
        tracker_engine,
        grace=dt.timedelta(seconds=3),
        resweep=dt.timedelta(seconds=60),
        now=dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=10),
        broker_engine=broker_engine,
    )
    for engine in (app_engine, tracker_engine, broker_engine):
        engine.dispose()
    needles = [words.encode(), words.encode("utf-16-le")]
    holding = [
        path.name
        for path in folder.iterdir()
        if path.is_file() and any(n in path.read_bytes() for n in needles)
    ]
    assert holding == []


def test_readyz_reports_ready_then_not_ready(
    assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", assistant.database_url)
    monkeypatch.setenv("RASA_URL", assistant.rasa_url)
    monkeypatch.setenv("ACTION_SERVER_URL", assistant.actions_url)
    get_settings.cache_clear()
    try:
        with TestClient(create_app(make_engine(assistant.database_url))) as client:
            ready = client.get("/readyz")
            assert ready.status_code == 200, ready.json()
            assert ready.json()["checks"]["rasa"] == "model loaded"
            monkeypatch.setenv("RASA_URL", f"http://127.0.0.1:{free_port()}")
            get_settings.cache_clear()
            down = client.get("/readyz")
            assert down.status_code == 503
            assert down.json()["checks"]["rasa"].startswith("unreachable")
    finally:
        get_settings.cache_clear()


def test_rasa_test_stories_pass(assistant: Assistant, tmp_path: Path) -> None:
    done = subprocess.run(
        [
            *engine_command(),
            "test",
            "core",
            "--model",
            str(model_path()),
            "--stories",
            "tests/stories",
            "--fail-on-prediction-errors",
            "--out",
            str(tmp_path),
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=engine_env(TF_CPP_MIN_LOG_LEVEL="3"),
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "telemetry" not in (done.stdout + done.stderr).lower()
    assert "None of the test stories failed" in (tmp_path / "failed_test_stories.yml").read_text()


# --- the web chat at the edge -------------------------------------------------------------


@pytest.fixture
def chat(assistant: Assistant, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("DATABASE_URL", assistant.database_url)
    monkeypatch.setenv("RASA_URL", assistant.rasa_url)
    monkeypatch.setenv("CHAT_RATE_PER_SESSION", "5")
    monkeypatch.setenv("CORS_ORIGINS", '["https://langson.gov.vn"]')
    get_settings.cache_clear()
    try:
        with TestClient(create_app(make_engine(assistant.database_url))) as client:
            yield client
    finally:
        get_settings.cache_clear()


def test_web_chat_answers_with_quick_replies(chat: TestClient) -> None:
    response = chat.post(
        "/api/chat/messages", json={"session_id": "web-session-01", "text": "thu tuc lam ho chieu"}
    )
    assert response.status_code == 200
    messages = response.json()["messages"]
    assert "Cấp hộ chiếu phổ thông trong nước" in messages[0]["text"]
    assert {"title": "Lệ phí", "payload": "/ask_procedure_fee"} in messages[0]["buttons"]
    follow_up = chat.post(
        "/api/chat/messages", json={"session_id": "web-session-01", "text": "/ask_procedure_fee"}
    )
    assert "Nộp trực tiếp: 200.000 đồng" in follow_up.json()["messages"][0]["text"]


def test_personal_data_never_reaches_the_tracker_store(
    chat: TestClient, assistant: Assistant
) -> None:
    text = "tôi tên Lan, cccd 001203012345, sđt 0912 345 678, email lan@gmail.com, làm hộ chiếu"
    response = chat.post("/api/chat/messages", json={"session_id": "web-pii-0001", "text": text})
    assert response.status_code == 200
    with sqlite3.connect(assistant.tracker_db) as conn:
        rows = [
            json.loads(r[0])
            for r in conn.execute("SELECT data FROM events WHERE sender_id = 'web-web-pii-0001'")
        ]
    user_text = next(r["text"] for r in rows if r["event"] == "user")
    assert user_text == "tôi tên Lan, cccd [CCCD], sđt [SĐT], email [EMAIL], làm hộ chiếu"
    stored = json.dumps(rows, ensure_ascii=False)
    for raw in ("001203012345", "0912 345 678", "912345678", "lan@gmail.com"):
        assert raw not in stored


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"session_id": "web-bad-0001", "text": "   "}, 422, "empty"),
        ({"session_id": "web-bad-0002", "text": "hộ chiếu " * 200}, 413, "too_long"),
        ({"session_id": "x", "text": "xin chào"}, 422, "invalid_request"),
        ({"session_id": "../../etc/passwd", "text": "xin chào"}, 422, "invalid_request"),
        ({"text": "xin chào"}, 422, "invalid_request"),
    ],
)
def test_bad_chat_input_gets_a_clear_error(
    chat: TestClient, body: dict[str, str], status: int, code: str
) -> None:
    response = chat.post("/api/chat/messages", json=body)
    assert response.status_code == status
    assert response.json()["code"] == code


def test_an_oversized_body_is_refused_before_reading(chat: TestClient) -> None:
    response = chat.post(
        "/api/chat/messages", content=b"x" * 100_000, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


def test_rate_limit_per_session_answers_429_in_vietnamese(chat: TestClient) -> None:
    statuses = [
        chat.post(
            "/api/chat/messages", json={"session_id": "web-fast-0001", "text": "xin chào"}
        ).status_code
        for _ in range(6)
    ]
    assert statuses[:5] == [200] * 5
    limited = chat.post(
        "/api/chat/messages", json={"session_id": "web-fast-0001", "text": "xin chào"}
    )
    assert limited.status_code == 429
    assert "thử lại" in limited.json()["messages"][0]["text"]
    assert int(limited.headers["retry-after"]) >= 1


def test_cors_allows_only_listed_origins(chat: TestClient) -> None:
    allowed = chat.options(
        "/api/chat/messages",
        headers={"Origin": "https://langson.gov.vn", "Access-Control-Request-Method": "POST"},
    )
    assert allowed.headers.get("access-control-allow-origin") == "https://langson.gov.vn"
    denied = chat.options(
        "/api/chat/messages",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in denied.headers


def test_engine_down_gets_a_polite_reply_within_5_seconds(
    assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", assistant.database_url)
    monkeypatch.setenv("RASA_URL", f"http://127.0.0.1:{free_port()}")
    get_settings.cache_clear()
    try:
        with TestClient(create_app(make_engine(assistant.database_url))) as client:
            started = time.monotonic()
            response = client.post(
                "/api/chat/messages", json={"session_id": "web-down-0001", "text": "xin chào"}
            )
            elapsed = time.monotonic() - started
    finally:
        get_settings.cache_clear()
    assert response.status_code == 503
    assert "thử lại" in response.json()["messages"][0]["text"]
    assert elapsed < 5


def test_conversations_are_ingested_with_exact_counts_then_deleted_on_request(
    assistant: Assistant,
) -> None:
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from trolyao.analytics.ingest import Ingester
    from trolyao.analytics.models import Turn

    sender = "e2e-analytics"
    assistant.say(sender, "thu tuc lam ho chieu")
    assistant.say(sender, "còn lệ phí thì sao?")
    assistant.say(sender, '/feedback{"feedback_value": "down"}')
    assistant.say(sender, "kể chuyện cười đi")
    app_engine = make_engine(assistant.database_url)
    broker_engine = make_engine(f"sqlite:///{assistant.tracker_db.parent / 'events.db'}")
    Ingester(app_engine, broker_engine).run_until_idle()
    Ingester(app_engine, broker_engine).run_until_idle()  # twice: nothing counted twice
    with Session(app_engine) as session:
        rows = session.scalars(
            select(Turn).where(Turn.sender_id == sender).order_by(Turn.started_at)
        ).all()
        assert [(t.intent, t.outcome, t.attribute, t.feedback) for t in rows] == [
            ("ask_procedure_overview", "answered", "overview", None),
            ("ask_procedure_fee", "answered", "fee", None),
            ("feedback", "other", None, "down"),
            ("out_of_scope", "out_of_scope", None, None),
        ]
        assert all(t.procedure_key == "1.001456" for t in rows[:2])
        assert all(t.response_ms is not None and t.response_ms < 5000 for t in rows)
    assistant.say(sender, "xóa dữ liệu của tôi")
    assistant.say(sender, "có")
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=10)
    tracker_engine = make_engine(f"sqlite:///{assistant.tracker_db}")
    process_deletions(
        app_engine,
        tracker_engine,
        grace=dt.timedelta(seconds=3),
        resweep=dt.timedelta(seconds=60),
        now=later,
        broker_engine=broker_engine,
    )
    with Session(app_engine) as session:
        left = session.scalar(
            select(func.count()).select_from(Turn).where(Turn.sender_id == sender)
        )
    assert left == 0
    with sqlite3.connect(assistant.tracker_db.parent / "events.db") as conn:
        assert (
            conn.execute("SELECT count(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[0]
            == 0
        )
    for engine in (app_engine, broker_engine, tracker_engine):
        engine.dispose()


def test_the_summary_counts_scripted_conversations_exactly(
    assistant: Assistant, tmp_path: Path
) -> None:
    """Real conversations through the running assistant, on a channel of their own, are
    ingested into a fresh analytics database; the summary then reports exact figures."""
    from sqlalchemy.orm import Session

    from tests.support.databases import migrated_seeded_engine
    from trolyao.accounts.auth import create_user
    from trolyao.analytics.ingest import Ingester

    def say(sender: str, text: str) -> None:
        response = httpx.post(
            f"{assistant.rasa_url}/webhooks/edge/webhook",
            json={"sender": sender, "message": text, "metadata": {"channel": "kiemthu"}},
            headers=assistant.edge_headers,
            timeout=30,
        )
        assert response.status_code == 200

    script = {
        "kiemthu-1": [
            "thu tuc lam ho chieu",  # answered (overview)
            "còn lệ phí thì sao?",  # answered (fee), same procedure
            '/feedback{"feedback_value": "up"}',
        ],
        "kiemthu-2": [
            "lệ phí cải chính thông tin hộ tịch bao nhiêu",  # unknown fact: never invented
            "kể chuyện cười đi",  # out of scope
            "cho tôi gặp cán bộ",  # handoff
            '/feedback{"feedback_value": "down"}',
        ],
    }
    for sender, lines in script.items():
        for line in lines:
            say(sender, line)
    app_engine = migrated_seeded_engine(f"sqlite:///{tmp_path / 'analytics.db'}")
    broker_engine = make_engine(f"sqlite:///{assistant.tracker_db.parent / 'events.db'}")
    Ingester(app_engine, broker_engine).run_until_idle()
    Ingester(app_engine, broker_engine).run_until_idle()  # nothing is counted twice
    with Session(app_engine) as session, session.begin():
        create_user(session, "canbo", "mat-khau-du-dai-123", "official")
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    with TestClient(create_app(app_engine)) as client:
        token = client.post(
            "/api/auth/token", data={"username": "canbo", "password": "mat-khau-du-dai-123"}
        ).json()["access_token"]
        body = client.get(
            "/api/analytics/summary",
            params={"from": today, "to": today, "channel": "kiemthu"},
            headers={"Authorization": f"Bearer {token}"},
        ).json()
    expected = {
        "conversations": 2,
        "unique_users": 2,
        "messages": 7,
        "answered_rate": 0.5,  # 2 answered of 4 questions (2 answered, 1 unknown, 1 out of scope)
        "fallback_rate": 0.0,
        "handoff_requests": 1,
        "feedback_up": 1,
        "feedback_down": 1,
        "satisfaction": 0.5,
        "avg_turns": 3.5,
    }
    assert {k: body[k] for k in expected} == expected
    assert body["by_channel"] == [{"channel": "kiemthu", "messages": 7, "unique_users": 2}]
    assert [(p["key"], p["count"]) for p in body["top_procedures"]] == [
        ("1.001456", 2),
        ("1.000881", 1),
    ]
    assert body["plan"]["citizens_helped"] == 1
    assert body["plan"]["catalog_procedures_answered"] == 1
    assert body["plan"]["unanswered_questions"] == 1
    assert body["bot_messages"] >= 7
    for engine in (app_engine, broker_engine):
        engine.dispose()


def test_an_edited_fee_reaches_the_bot_at_once(assistant: Assistant) -> None:
    """An admin edits a fee through the API; the running assistant answers with it, with
    no retraining and no restart. Rolled back afterwards, which also shows at once."""
    from sqlalchemy.orm import Session

    from trolyao.accounts.auth import create_user

    code, question = "2.001019", "lệ phí chứng thực di chúc bao nhiêu"
    app_engine = make_engine(assistant.database_url)
    with Session(app_engine) as session, session.begin():
        create_user(session, "quantri-e2e", "mat-khau-du-dai-123", "admin")
    with TestClient(create_app(app_engine)) as client:
        token = client.post(
            "/api/auth/token", data={"username": "quantri-e2e", "password": "mat-khau-du-dai-123"}
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        before = assistant.text("e2e-kb-1", question)
        assert "987.654" not in before
        record = client.get(f"/api/admin/procedures/{code}", headers=headers).json()
        original = record["version"]
        channel = record["cach_thuc_thuc_hien"][0]
        channel["phi_le_phi"] = [
            {"loai": "phi", "so_tien_vnd": 987654, "nguyen_van": "Phí chứng thực: 987.654 đồng"}
        ]
        record["status"] = "published"
        saved = client.put(f"/api/admin/procedures/{code}", json=record, headers=headers)
        assert saved.status_code == 200, saved.text
        after = assistant.text("e2e-kb-2", question)
        assert "Phí chứng thực: 987.654 đồng" in after
        back = client.post(
            f"/api/admin/procedures/{code}/rollback",
            json={"version": saved.json()["version"], "to_version": original},
            headers=headers,
        )
        assert back.status_code == 200
        assert "987.654" not in assistant.text("e2e-kb-3", question)
    app_engine.dispose()


def test_rasa_telemetry_is_off_in_every_engine_process(assistant: Assistant) -> None:
    assert engine_env()["RASA_TELEMETRY_ENABLED"] == "false"
    log = (assistant.tracker_db.parent / "rasa.log").read_text("utf-8", "replace")
    assert "Starting Rasa server" in log
    assert "telemetry" not in log.lower()


def test_a_retried_turn_is_answered_from_the_tracker_never_applied_twice(
    assistant: Assistant,
) -> None:
    """A replica that saved a turn and died before answering: the retry, on any replica,
    gets that turn's answer from the shared tracker store instead of a second turn."""

    def post(metadata: dict[str, object]) -> list[dict[str, object]]:
        response = httpx.post(
            f"{assistant.rasa_url}/webhooks/edge/webhook",
            json={"sender": "e2e-retry", "message": "lệ phí làm hộ chiếu", "metadata": metadata},
            headers=assistant.edge_headers,
            timeout=30,
        )
        assert response.status_code == 200
        return list(response.json())

    first = post({"channel": "web", "message_id": "retry-1"})
    again = post({"channel": "web", "message_id": "retry-1", "retry": True})
    assert [m.get("text") for m in again] == [m.get("text") for m in first]
    assert "200.000" in " ".join(str(m.get("text")) for m in again)
    with sqlite3.connect(assistant.tracker_db) as conn:
        turns = conn.execute(
            "SELECT count(*) FROM events WHERE sender_id='e2e-retry' AND type_name='user'"
        ).fetchone()[0]
    assert turns == 1  # applied once
    fresh = post({"channel": "web", "message_id": "retry-2", "retry": True})  # never applied
    assert fresh and "200.000" in " ".join(str(m.get("text")) for m in fresh)
    with sqlite3.connect(assistant.tracker_db) as conn:
        turns = conn.execute(
            "SELECT count(*) FROM events WHERE sender_id='e2e-retry' AND type_name='user'"
        ).fetchone()[0]
    assert turns == 2
