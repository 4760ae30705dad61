"""Hand-offs end to end below the engine: the edge keeps the contact out of the engine,
officials list and follow up the cases (roles, audit), closing one tells the citizen on
Telegram, and the contact goes with the citizen's deletion request or after retention."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bench.peers.telegram import FakeTelegram
from edge.handoffs import CONTACT_GIVEN, HandoffDesk
from edge.pipeline import Edge
from tests.support.engine import FakeEngine
from tests.support.staff import bearer, staff_client
from trolyao.audit import AuditEntry
from trolyao.handoffs import Handoff, open_case, purge_closed
from trolyao.settings import Settings, get_settings

CONTRACT_KEYS = {
    "id",
    "status",
    "created_at",
    "channel",
    "contact",
    "description",
    "conversation",
    "conversation_url",
    "contact_masked",
    "assignee",
    "note",
}


def edge_on(engine: Engine, stand_in: FakeEngine) -> Edge:
    return Edge(Settings(chat_rate_per_session=100), stand_in.client(), HandoffDesk(engine))


def test_the_contact_stays_at_the_edge_and_the_engine_hears_it_was_given(
    engine: Engine,
) -> None:
    stand_in = FakeEngine(replies=[{"text": "ok"}])
    edge = edge_on(engine, stand_in)
    with Session(engine) as session, session.begin():
        open_case(session, "tg-abc", "telegram")

    async def talk() -> None:
        await edge.handle(
            channel="telegram",
            sender="tg-abc",
            text="có, số em 0912 345 678, hỏi về hồ sơ đất đai",
            reply_to="4242",
        )
        # no case waiting: a number is only redacted
        await edge.handle(channel="web", sender="web-other01", text="số em 0987 654 321")
        await edge.aclose()

    asyncio.run(talk())
    assert stand_in.messages == [CONTACT_GIVEN, "số em [SĐT]"]
    assert not any("0912" in m or "0987" in m for m in stand_in.messages)
    with Session(engine) as session:
        (case,) = session.scalars(select(Handoff)).all()
        assert case.contact == "0912 345 678" and case.stage == "done"
        assert case.description == "có, số em [SĐT], hỏi về hồ sơ đất đai"
        assert case.reply_to == "4242"


@pytest.fixture
def telegram_fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTelegram]:
    server = FakeTelegram().start()
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:test-token")
    monkeypatch.setenv("TELEGRAM_BASE_URL", server.base_url)
    get_settings.cache_clear()
    yield server
    server.stop()
    get_settings.cache_clear()


def test_officials_follow_cases_up_with_the_contact_audited(
    engine: Engine, telegram_fake: FakeTelegram
) -> None:
    with Session(engine) as session, session.begin():
        case = open_case(session, "tg-abc", "telegram")
        case.stage, case.contact, case.reply_to = "done", "0912 345 678", "4242"
        open_case(session, "web-xyz0001", "web")
    with staff_client(engine) as client:
        assert client.get("/api/handoffs").status_code == 401
        assert client.get("/api/handoffs", headers=bearer(client, "bientap")).status_code == 403
        official = bearer(client, "canbo")
        body = client.get("/api/handoffs", headers=official).json()
        assert len(body["items"]) == 2 and body["next"] is None
        first: dict[str, Any] = next(i for i in body["items"] if i["contact"])
        assert set(first) >= CONTRACT_KEYS
        assert "tg-abc" not in json.dumps(body)  # never the sender id
        assert (first["status"], first["channel"]) == ("moi", "telegram")
        # not taken yet: the contact is masked, and no view of it is audited
        assert first["contact"] == "09•• ••• •78" and first["contact_masked"] is True
        changed = client.patch(
            f"/api/handoffs/{first['id']}",
            json={"status": "dang_xu_ly", "assignee": "canbo", "note": "Đã gọi, hẹn gọi lại"},
            headers=official,
        )
        assert changed.status_code == 200
        assert (changed.json()["status"], changed.json()["assignee"]) == ("dang_xu_ly", "canbo")
        # taken: the assignee sees it in full
        assert changed.json()["contact"] == "0912 345 678"
        assert changed.json()["contact_masked"] is False
        moving = client.get("/api/handoffs", params={"status": "dang_xu_ly"}, headers=official)
        assert [i["id"] for i in moving.json()["items"]] == [first["id"]]
        bad = client.patch(
            f"/api/handoffs/{first['id']}", json={"status": "xong"}, headers=official
        )
        assert bad.status_code == 422
        assert client.patch("/api/handoffs/99999", json={}, headers=official).status_code == 404
        closed = client.patch(
            f"/api/handoffs/{first['id']}", json={"status": "da_xong"}, headers=official
        )
        assert closed.json()["status"] == "da_xong" and closed.json()["closed_at"]
    telegram_fake.wait_for(lambda: len(telegram_fake.sent(4242)) >= 1, 10.0)
    assert "đã được cán bộ xử lý xong" in telegram_fake.sent(4242)[0]["text"]
    with Session(engine) as session:
        views = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "view_handoff_contacts")
        ).all()
        assert views and all(v.username == "canbo" for v in views)
        # the audit keeps which fields changed, never the note's or the assignee's value
        updates = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "update_handoff")
        ).all()
        dumped = json.dumps([u.detail for u in updates], ensure_ascii=False)
        assert "Đã gọi" not in dumped and "canbo" not in dumped
        assert updates[0].detail == {
            "fields": ["assignee", "note", "status"],
            "status": "dang_xu_ly",
        }
        assert session.get(Handoff, first["id"]).notified_at is not None  # type: ignore[union-attr]


def test_cases_go_after_retention_open_or_closed_and_with_a_deletion_request(
    engine: Engine,
) -> None:
    from trolyao.handoffs import delete_sender_cases

    long_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=40)
    with Session(engine) as session, session.begin():
        old = open_case(session, "web-old00001", "web")
        old.status = "da_xong"
        old.closed_at = long_ago
        forgotten = open_case(session, "web-forgot01", "web")  # never closed
        forgotten.contact, forgotten.created_at = "0912 000 111", long_ago
        open_case(session, "web-new00001", "web").contact = "a@b.vn"
    with Session(engine) as session, session.begin():
        assert purge_closed(session, 30) == 2
        assert delete_sender_cases(session, "web-new00001") == 1
    with Session(engine) as session:
        assert session.scalars(select(Handoff)).all() == []


def test_admins_see_every_contact_others_a_masked_one_until_they_take_the_case(
    engine: Engine,
) -> None:
    with Session(engine) as session, session.begin():
        case = open_case(session, "web-mask0001", "web")
        case.stage, case.contact = "done", "nguyen.van.a@example.vn"
    with staff_client(engine) as client:
        official, admin = bearer(client, "canbo"), bearer(client, "quantri")
        seen = client.get("/api/handoffs", headers=official).json()["items"][0]
        assert seen["contact"] == "n•••@•••" and seen["contact_masked"]
        full = client.get("/api/handoffs", headers=admin).json()["items"][0]
        assert full["contact"] == "nguyen.van.a@example.vn" and not full["contact_masked"]
        taken = client.patch(
            f"/api/handoffs/{seen['id']}", json={"assignee": "canbo"}, headers=official
        )
        assert taken.json()["contact"] == "nguyen.van.a@example.vn"


def test_the_queue_comes_a_page_at_a_time(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        for i in range(7):
            open_case(session, f"web-page{i:04d}", "web")
    with staff_client(engine) as client:
        official = bearer(client, "canbo")
        first = client.get("/api/handoffs", params={"limit": 3}, headers=official).json()
        assert len(first["items"]) == 3 and first["next"] == first["items"][-1]["id"]
        ids = [i["id"] for i in first["items"]]
        while first["next"]:
            first = client.get(
                "/api/handoffs", params={"limit": 3, "before": first["next"]}, headers=official
            ).json()
            ids += [i["id"] for i in first["items"]]
        assert ids == sorted(ids, reverse=True) and len(set(ids)) == 7
        too_many = client.get("/api/handoffs", params={"limit": 1000}, headers=official)
        assert too_many.status_code == 422


def test_one_open_case_per_conversation_and_a_few_new_ones_per_address(engine: Engine) -> None:
    from trolyao.handoffs import MAX_NEW_CASES_PER_HOUR, TooManyCases

    with Session(engine) as session, session.begin():
        first = open_case(session, "web-same0001", "web", "k1")
        first.stage = "declined"
        again = open_case(session, "web-same0001", "web", "k1")  # asked again: the same case
        assert again.id == first.id and again.stage == "consent"
        for i in range(1, MAX_NEW_CASES_PER_HOUR):
            open_case(session, f"web-many{i:04d}", "web", "k1")
        with pytest.raises(TooManyCases):
            open_case(session, "web-many9999", "web", "k1")
        open_case(session, "web-other001", "web", "k2")  # another address is not affected
    with Session(engine) as session:
        assert len(session.scalars(select(Handoff)).all()) == MAX_NEW_CASES_PER_HOUR + 1


def test_a_case_names_the_conversation_it_was_opened_in(engine: Engine) -> None:
    from trolyao.analytics.models import Conversation

    now = dt.datetime.now(dt.timezone.utc)
    with Session(engine) as session, session.begin():
        talk = Conversation(
            sender_id="web-conv0001",
            channel="web",
            started_at=now - dt.timedelta(minutes=5),
            last_at=now,
            turn_count=3,
        )
        session.add(talk)
        session.flush()
        talk_id = talk.id
        open_case(session, "web-conv0001", "web")
    with staff_client(engine) as client:
        item = client.get("/api/handoffs", headers=bearer(client, "canbo")).json()["items"][0]
        assert item["conversation"] == talk_id
        assert item["conversation_url"] == f"/dashboard/conversations/{talk_id}"
        page = client.get(item["conversation_url"], headers=bearer(client, "canbo"))
        assert page.status_code == 200


def test_a_database_error_never_logs_a_contact(
    tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from trolyao.db import make_engine

    broken = make_engine(f"sqlite:///{tmp_path / 'no-tables.db'}")  # no migrations: no table
    assert broken.hide_parameters  # statements' values never reach a log line
    with caplog.at_level("DEBUG"):
        kept = HandoffDesk(broken).capture("web-dead0001", "số em 0912 345 678", None)
    assert kept is False
    assert "0912" not in caplog.text and "345 678" not in caplog.text


def test_old_deliveries_are_forgotten(engine: Engine) -> None:
    from trolyao.deliveries import Delivery, first_delivery, forget_deliveries

    with Session(engine) as session:
        assert first_delivery(session, "zalo", "m-old")
        assert first_delivery(session, "zalo", "m-new")
        old = session.get(Delivery, ("zalo", "m-old"))
        assert old is not None
        old.received_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=2)
        session.commit()
        assert forget_deliveries(session, dt.timedelta(days=1)) == 1
        session.commit()
        assert not first_delivery(session, "zalo", "m-new")  # still remembered
