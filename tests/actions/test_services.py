"""Dossier status, contact, hand-off, fallback, feedback and data deletion actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import Column, DateTime, Engine, Integer, MetaData, String, Table, insert, select
from sqlalchemy.orm import Session

from actions.data_deletion import ActionAskDataDeletion, ActionCancelDataDeletion, ActionDeleteData
from actions.feedback import ActionRecordFeedback
from actions.rerouting import ActionCheckDossierStatus, ActionContact, ActionFallback
from actions.support import ActionRequestHuman, ActionYesNo
from tests.support.trackers import make_tracker
from trolyao.db import make_engine
from trolyao.deletion import DeletionRequest, process_deletions


def slots_of(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


@pytest.mark.parametrize(
    ("text", "entities"),
    [
        ("tra cứu hồ sơ 000.00.12.H37-251124-0007", []),
        ("hs 000.00.12.h37-251124-0007 sao roi", []),
        ("x", [{"entity": "receipt_code", "value": "000.00.12.H37-251124-0007"}]),
    ],
)
def test_dossier_status_by_receipt_code(
    actions_db: Engine,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    text: str,
    entities: list[dict[str, Any]],
) -> None:
    ActionCheckDossierStatus().run(
        dispatcher, make_tracker(text, "check_dossier_status", entities=entities), domain
    )
    message = dispatcher.messages[0]
    assert message["response"] == "utter_dossier_status"
    assert message["receipt_code"] == "000.00.12.H37-251124-0007"
    assert message["procedure"] == "Đăng ký thường trú"
    assert message["status"] == "đang xử lý"
    assert message["due"] == "03/12/2025"


def test_unknown_receipt_code_is_said_not_found(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    ActionCheckDossierStatus().run(
        dispatcher,
        make_tracker("hồ sơ 000.00.12.H37-990101-9999", "check_dossier_status"),
        domain,
    )
    assert dispatcher.messages[0]["response"] == "utter_dossier_not_found"


def test_dossier_status_without_a_code_asks_for_it(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    ActionCheckDossierStatus().run(
        dispatcher, make_tracker("hồ sơ của tôi đến đâu rồi", "check_dossier_status"), domain
    )
    assert dispatcher.messages[0]["response"] == "utter_ask_receipt_code"


def test_contact_details_come_from_settings(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    ActionContact().run(dispatcher, make_tracker("số điện thoại", "ask_contact"), domain)
    message = dispatcher.messages[0]
    assert message["response"] == "utter_contact"
    assert message["contact_phone"] == "0205 3 999 999"
    assert message["contact_email"] == "xem trên https://dichvucong.langson.gov.vn"  # unset


def test_request_human_asks_consent_then_the_contact(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    from sqlalchemy.orm import Session

    from trolyao.handoffs import Handoff, record_contact

    events = ActionRequestHuman().run(
        dispatcher, make_tracker("cho gặp cán bộ", "request_human"), domain
    )
    consent = dispatcher.messages[0]
    assert consent["response"] == "utter_handoff_consent"
    assert [b["payload"] for b in consent["buttons"]] == ["/affirm", "/deny"]
    assert slots_of(events) == {"handoff_stage": "consent", "handoff_requested": True}
    dispatcher.messages.clear()
    events = ActionYesNo().run(
        dispatcher, make_tracker("có", "affirm", slots={"handoff_stage": "consent"}), domain
    )
    assert dispatcher.messages[0]["response"] == "utter_handoff_ask_contact"
    assert slots_of(events) == {"handoff_stage": "contact"}
    with Session(actions_db) as session, session.begin():  # what the edge does
        assert record_contact(session, "test-sender", "0912 345 678", "[SĐT], hỏi sổ đỏ")
    dispatcher.messages.clear()
    given = make_tracker(
        '/request_human{"handoff_contact": "given"}',
        "request_human",
        entities=[{"entity": "handoff_contact", "value": "given"}],
        slots={"handoff_stage": "contact"},
    )
    events = ActionRequestHuman().run(dispatcher, given, domain)
    assert dispatcher.messages[0]["response"] == "utter_handoff_recorded"
    assert slots_of(events) == {"handoff_stage": None, "handoff_requested": True}
    with Session(actions_db) as session:
        (case,) = session.query(Handoff).all()
        assert (case.status, case.stage, case.contact) == ("moi", "done", "0912 345 678")


def test_no_consent_keeps_the_request_without_a_contact(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    from sqlalchemy.orm import Session

    from trolyao.handoffs import Handoff

    ActionRequestHuman().run(dispatcher, make_tracker("gặp cán bộ", "request_human"), domain)
    dispatcher.messages.clear()
    events = ActionYesNo().run(
        dispatcher, make_tracker("không", "deny", slots={"handoff_stage": "consent"}), domain
    )
    message = dispatcher.messages[0]
    assert message["response"] == "utter_handoff"
    assert message["contact_phone"] == "0205 3 999 999"
    assert slots_of(events) == {"handoff_stage": None}
    with Session(actions_db) as session:
        (case,) = session.query(Handoff).all()
        assert (case.stage, case.contact) == ("declined", None)
    dispatcher.messages.clear()
    ActionYesNo().run(dispatcher, make_tracker("ok", "affirm"), domain)  # out of context
    assert dispatcher.messages[0]["response"] == "utter_anything_else"


def test_fallback_suggests_the_nearest_procedures(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    ActionFallback().run(dispatcher, make_tracker("ho chieu abc xyz", "nlu_fallback"), domain)
    message = dispatcher.messages[0]
    assert message["response"] == "utter_fallback"
    assert message["buttons"][0]["title"] == "Cấp hộ chiếu phổ thông trong nước"


def test_fallback_without_any_suggestion(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    ActionFallback().run(dispatcher, make_tracker("😀😀", "nlu_fallback"), domain)
    assert dispatcher.messages[0]["response"] == "utter_fallback_no_suggestion"


@pytest.mark.parametrize(
    ("text", "entities", "response"),
    [
        ("/feedback", [{"entity": "feedback_value", "value": "up"}], "utter_feedback_thanks"),
        ("/feedback", [{"entity": "feedback_value", "value": "down"}], "utter_feedback_sorry"),
        ("chưa hữu ích", [], "utter_feedback_sorry"),
        ("hữu ích", [], "utter_feedback_thanks"),
    ],
)
def test_feedback_is_acknowledged(
    actions_db: Engine,
    dispatcher: CollectingDispatcher,
    domain: dict[str, Any],
    text: str,
    entities: list[dict[str, Any]],
    response: str,
) -> None:
    ActionRecordFeedback().run(
        dispatcher, make_tracker(text, "feedback", entities=entities), domain
    )
    assert dispatcher.messages[0]["response"] == response


def test_data_deletion_asks_then_records_the_request(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    events = ActionAskDataDeletion().run(
        dispatcher, make_tracker("xóa dữ liệu của tôi", "request_data_deletion"), domain
    )
    assert slots_of(events) == {"pending_deletion": True}
    assert dispatcher.messages[0]["response"] == "utter_ask_data_deletion"
    events = ActionDeleteData().run(
        dispatcher, make_tracker("/affirm", "affirm", sender_id="citizen-42"), domain
    )
    assert slots_of(events) == {"pending_deletion": False}
    assert dispatcher.messages[1]["response"] == "utter_data_deleted"
    with Session(actions_db) as session:
        assert session.scalars(select(DeletionRequest.sender_id)).all() == ["citizen-42"]


def test_data_deletion_can_be_cancelled(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    events = ActionCancelDataDeletion().run(dispatcher, make_tracker("không", "deny"), domain)
    assert slots_of(events) == {"pending_deletion": False}
    with Session(actions_db) as session:
        assert session.scalars(select(DeletionRequest)).all() == []


def test_worker_deletes_the_sender_events_and_sweeps_again(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any], tmp_path: Any
) -> None:
    tracker_engine = make_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    events = Table(  # the columns Rasa's SQL tracker store uses
        "events",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("sender_id", String(255)),
        Column("type_name", String(255)),
        Column("timestamp", DateTime),
    )
    events.metadata.create_all(tracker_engine)
    with tracker_engine.begin() as conn:
        conn.execute(
            insert(events),
            [
                {"sender_id": "citizen-42", "type_name": "user"},
                {"sender_id": "citizen-42", "type_name": "bot"},
                {"sender_id": "someone-else", "type_name": "user"},
            ],
        )
    ActionDeleteData().run(
        dispatcher, make_tracker("/affirm", "affirm", sender_id="citizen-42"), domain
    )
    grace, resweep = dt.timedelta(seconds=3), dt.timedelta(seconds=60)
    now = dt.datetime.now(dt.timezone.utc)
    early = process_deletions(actions_db, tracker_engine, grace=grace, resweep=resweep, now=now)
    assert early.events_deleted == 0  # still inside the grace period
    first = process_deletions(
        actions_db, tracker_engine, grace=grace, resweep=resweep, now=now + dt.timedelta(seconds=5)
    )
    assert (first.first_passes, first.events_deleted) == (1, 2)
    with tracker_engine.begin() as conn:  # a turn that was in flight writes back one event
        conn.execute(insert(events), [{"sender_id": "citizen-42", "type_name": "bot"}])
    second = process_deletions(
        actions_db, tracker_engine, grace=grace, resweep=resweep, now=now + dt.timedelta(seconds=70)
    )
    assert (second.completed, second.events_deleted) == (1, 1)
    again = process_deletions(
        actions_db,
        tracker_engine,
        grace=grace,
        resweep=resweep,
        now=now + dt.timedelta(seconds=200),
    )
    assert again.events_deleted == 0
    with tracker_engine.connect() as conn:
        assert conn.execute(select(events.c.sender_id)).scalars().all() == ["someone-else"]
    tracker_engine.dispose()
