"""Answers from the portal's richer facts, readable in a chat bubble: documents of the
common case first with form codes and counts, the other cases a button away; fees and
times per channel; at most eight steps; expired fees said to be expired; source always."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from actions.procedures import ActionAnswerProcedure
from tests.support.trackers import make_tracker
from trolyao.kb.repository import get_procedure
from trolyao.replies.answers import MAX_STEPS, answer_response
from trolyao.replies.domain import fragment


def ask(
    dispatcher: CollectingDispatcher, domain: dict[str, Any], intent: str, **entities: str
) -> dict[str, Any]:
    payload = f"/{intent}{json.dumps(entities, ensure_ascii=False)}"
    tracker = make_tracker(
        payload, intent, entities=[{"entity": k, "value": v} for k, v in entities.items()]
    )
    ActionAnswerProcedure().run(dispatcher, tracker, domain)
    return dispatcher.messages[0]


def test_documents_of_the_common_case_first_with_form_codes_and_counts(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    message = ask(dispatcher, domain, "ask_procedure_documents", procedure_key="1.004194")
    assert message["response"] == "utter_procedure_documents"
    assert message["documents_title"] == "Hồ sơ gồm (trường hợp thông thường):"
    assert "— mẫu CT01 — 1 bản chính" in message["documents"]
    assert "theo danh sách" not in message["documents"]  # another case
    (button,) = message["buttons"]
    assert button["title"].startswith("Các trường hợp khác")
    assert json.loads(button["payload"].split("{", 1)[1].join(["{", ""])) == {
        "procedure_key": "1.004194",
        "detail": "other_cases",
    }
    assert "dichvucong.gov.vn" in message["footer"] and "Cập nhật:" in message["footer"]


def test_the_other_cases_button_lists_them_under_their_case(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    message = ask(
        dispatcher,
        domain,
        "ask_procedure_documents",
        procedure_key="1.004194",
        detail="other_cases",
    )
    assert message["documents_title"] == "Giấy tờ cho các trường hợp khác:"
    assert "▸ Đăng ký tạm trú theo danh sách" in message["documents"]
    assert len(message["documents"]) < 4000


def test_fees_per_channel_say_the_cheaper_online_fee(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    fees = ask(dispatcher, domain, "ask_procedure_fee", procedure_key="1.004194")["fees"]
    lines = fees.splitlines()
    assert lines[0].startswith("• Nộp trực tuyến: 7.000 đồng")
    assert lines[1].startswith("• Nộp trực tiếp: 10.000 đồng")
    assert lines[2] == "• Nộp trực tuyến rẻ hơn: 7.000 đồng so với 10.000 đồng khi nộp trực tiếp."


def test_a_fee_whose_note_ended_is_shown_with_that_caveat(
    actions_db: Engine, domain: dict[str, Any]
) -> None:
    with Session(actions_db) as session:
        passport = get_procedure(session, "1.001456")  # online fee "đến hết ngày 31/12/2023"
        _, values = answer_response(passport, "fee", domain)
        online = values["fees"].splitlines()[0]
        assert "160.000 đồng" in online and "31/12/2023, nay đã hết hạn" in online
        assert "rẻ hơn" not in values["fees"]  # an expired fee is not offered as cheaper
        identity = get_procedure(session, "2.001195")  # ends 31/12/2026
        _, values = answer_response(identity, "fee", domain)
        assert "hết hạn" not in values["fees"]
        later = dt.date(2027, 1, 2)
        from trolyao.replies.answers import attribute_values

        assert "hết hạn" in attribute_values(identity, "fee", domain, today=later)["fees"]  # type: ignore[index]


def test_times_said_once_when_every_channel_takes_the_same(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    durations = ask(dispatcher, domain, "ask_procedure_duration", procedure_key="1.004222")
    assert durations["durations"] == "• 7 ngày làm việc (mọi hình thức nộp)"


def test_long_steps_are_numbered_cut_at_eight_with_a_button_for_all(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    with Session(actions_db) as session:
        total = len(get_procedure(session, "1.001193").steps)
    assert total > MAX_STEPS
    message = ask(dispatcher, domain, "ask_procedure_steps", procedure_key="1.001193")
    lines = message["steps"].splitlines()
    assert len(lines) == MAX_STEPS + 1 and lines[0].startswith("1. ")
    assert lines[-1] == fragment(domain, "utter_fragment_more_items", count=total - MAX_STEPS)
    assert message["buttons"][0]["title"] == "Xem đủ các bước"
    dispatcher.messages.clear()
    full = ask(
        dispatcher, domain, "ask_procedure_steps", procedure_key="1.001193", detail="full_steps"
    )
    assert f"\n{total}. " in full["steps"] or "xem đầy đủ ở nguồn" in full["steps"]
    assert len(full["steps"]) <= 3600


def test_empty_facts_stay_unknown_with_the_portal_link(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    for intent in ("ask_procedure_documents", "ask_procedure_steps", "ask_procedure_fee"):
        dispatcher.messages.clear()
        message = ask(dispatcher, domain, intent, procedure_key="1.000881")
        assert message["response"].endswith("_unknown")
        assert message["portal_url"].startswith("https://")


def test_a_catalog_procedure_without_the_fact_offers_the_related_national_one(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    message = ask(dispatcher, domain, "ask_procedure_documents", procedure_key="1.000881")
    assert message["response"] == "utter_procedure_documents_unknown"
    related = dispatcher.messages[1]
    assert related["response"] == "utter_procedure_related"
    payloads = [b["payload"] for b in related["buttons"]]
    assert '/ask_procedure_documents{"procedure_key": "1.004859"}' in payloads
    dispatcher.messages.clear()
    followed = ask(dispatcher, domain, "ask_procedure_documents", procedure_key="1.004859")
    assert followed["response"] == "utter_procedure_documents"


def test_a_catalog_entry_merged_into_its_national_record_answers_with_its_facts(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    # "Cấp thẻ căn cước" had no code and no documents; it is now the national 2.000200
    message = ask(dispatcher, domain, "ask_procedure_documents", procedure_key="cap-the-can-cuoc")
    assert message["response"] == "utter_procedure_documents"
    assert "mẫu CC01" in message["documents"]
    assert "2.000200" in message["procedure_title"]


def test_a_time_given_only_as_value_and_unit_reaches_the_answer(domain: dict[str, Any]) -> None:
    from trolyao.kb.models import Procedure, SubmissionChannel

    procedure = Procedure(name="Thử", field="Thử")
    procedure.channels = [
        SubmissionChannel(kind="truc_tuyen", time_value=8.0, time_unit="ngay_lam_viec"),
        SubmissionChannel(kind="truc_tiep", time_value=1.5, time_unit="ngay"),
    ]
    from trolyao.replies.answers import attribute_values

    values = attribute_values(procedure, "duration", domain)
    assert values == {"durations": "• Nộp trực tuyến: 8 ngày làm việc\n• Nộp trực tiếp: 1,5 ngày"}
