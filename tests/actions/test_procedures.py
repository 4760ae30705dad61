"""Procedure answers: attribute, context, switching, ambiguity, unknown facts."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from actions.procedures import ActionAnswerProcedure, ActionListProcedures
from tests.support.trackers import make_tracker
from trolyao.kb.models import Procedure
from trolyao.replies.domain import fragment

PASSPORT = "1.001456"  # the catalog entry merged into its national record


def answer(
    dispatcher: CollectingDispatcher, domain: dict[str, Any], text: str, intent: str, **kw: Any
) -> dict[str, Any]:
    events = ActionAnswerProcedure().run(dispatcher, make_tracker(text, intent, **kw), domain)
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def test_overview_names_the_procedure_and_offers_feedback(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    slots = answer(dispatcher, domain, "thu tuc lam ho chieu", "ask_procedure_overview")
    first = dispatcher.messages[0]
    assert first["response"] == "utter_procedure_overview"
    assert "Cấp hộ chiếu phổ thông trong nước" in first["procedure_title"]
    assert first["field"] == "Xuất nhập cảnh"
    assert "toàn trình" in first["online"]
    assert "Cập nhật:" in first["footer"]
    assert dispatcher.messages[-1]["response"] == "utter_feedback_prompt"
    assert slots == {
        "procedure_key": PASSPORT,
        "procedure_name": "Cấp hộ chiếu phổ thông trong nước",
        "last_attribute": "overview",
    }


def test_fee_answer_comes_from_the_knowledge_base_with_code_and_source(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    answer(dispatcher, domain, "lệ phí chứng thực bản sao bao nhiêu", "ask_procedure_fee")
    message = dispatcher.messages[0]
    assert message["response"] == "utter_procedure_fee"
    assert "2.000815" in message["procedure_title"]
    assert "2.000 đồng" in message["fees"] and "trang" in message["fees"]
    assert "dichvucong.gov.vn" in message["footer"]


def test_follow_up_uses_the_procedure_last_discussed(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    slots = answer(
        dispatcher,
        domain,
        "còn lệ phí thì sao?",
        "ask_procedure_fee",
        slots={"procedure_key": "1.004222", "last_attribute": "overview"},
    )
    assert dispatcher.messages[0]["response"] == "utter_procedure_fee"
    fees = dispatcher.messages[0]["fees"]
    assert "Nộp trực tuyến: 10.000 đồng" in fees and "Nộp trực tiếp: 20.000 đồng" in fees
    assert "Nộp trực tuyến rẻ hơn: 10.000 đồng so với 20.000 đồng" in fees
    assert slots["procedure_key"] == "1.004222"
    assert slots["last_attribute"] == "fee"


def test_follow_up_without_diacritics_also_uses_the_context(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    answer(
        dispatcher,
        domain,
        "mat may ngay",
        "ask_procedure_duration",
        slots={"procedure_key": "1.004222"},
    )
    assert dispatcher.messages[0]["response"] == "utter_procedure_duration"
    assert "7 ngày làm việc" in dispatcher.messages[0]["durations"]


def test_naming_another_procedure_switches_to_it(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    slots = answer(
        dispatcher,
        domain,
        "thế còn làm hộ chiếu thì mất bao nhiêu tiền",
        "ask_procedure_fee",
        slots={"procedure_key": "1.004222"},
    )
    assert slots["procedure_key"] == PASSPORT
    assert "• Nộp trực tiếp: 200.000 đồng" in dispatcher.messages[0]["fees"]


def test_close_candidates_are_offered_as_buttons(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    slots = answer(dispatcher, domain, "thủ tục hộ kinh doanh", "ask_procedure_documents")
    message = dispatcher.messages[0]
    assert message["response"] == "utter_procedure_choose"
    assert len(message["buttons"]) >= 2
    assert all(
        b["payload"].startswith('/ask_procedure_documents{"procedure_key": ')
        for b in message["buttons"]
    )
    assert "procedure_key" not in slots


def test_a_button_payload_selects_the_procedure(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    slots = answer(
        dispatcher,
        domain,
        '/ask_procedure_documents{"procedure_key": "1.001193"}',
        "ask_procedure_documents",
        entities=[{"entity": "procedure_key", "value": "1.001193"}],
    )
    assert slots["procedure_key"] == "1.001193"
    assert "Tờ khai đăng ký khai sinh theo mẫu" in dispatcher.messages[0]["documents"]
    assert "Giấy chứng sinh" in dispatcher.messages[0]["documents"]


def test_unknown_facts_are_said_to_be_unknown_with_the_portal(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    answer(dispatcher, domain, "lệ phí cải chính hộ tịch", "ask_procedure_fee")
    message = dispatcher.messages[0]
    assert message["response"] == "utter_procedure_fee_unknown"
    assert "1.000881" in message["procedure_title"]
    assert message["portal_url"].startswith("https://")


def test_every_attribute_of_every_procedure_gets_an_answer(
    actions_db: Engine, domain: dict[str, Any]
) -> None:
    from trolyao.kb.seed import load_seed_records
    from trolyao.replies.answers import ATTRIBUTES

    for record in load_seed_records():
        for intent in ATTRIBUTES:
            dispatcher = CollectingDispatcher()
            answer(
                dispatcher,
                domain,
                "",
                intent,
                entities=[{"entity": "procedure_key", "value": record.key()}],
            )
            message = dispatcher.messages[0]
            response = message["response"]
            assert response.startswith("utter_procedure_"), (record.ten_thu_tuc, intent)
            assert response in domain["responses"]
            # it fits a chat bubble (Telegram: 4,096 characters) and names its source
            text = fragment(domain, response, **message)
            assert len(text) <= 4096, (record.ten_thu_tuc, intent, len(text))
            assert "Nguồn:" in text or "Cập nhật:" in text, (record.ten_thu_tuc, intent)
            if details := {
                "ask_procedure_documents": "other_cases",
                "ask_procedure_steps": "full_steps",
            }.get(intent):
                dispatcher = CollectingDispatcher()
                answer(
                    dispatcher,
                    domain,
                    "",
                    intent,
                    entities=[
                        {"entity": "procedure_key", "value": record.key()},
                        {"entity": "detail", "value": details},
                    ],
                )
                message = dispatcher.messages[0]
                assert len(fragment(domain, message["response"], **message)) <= 4096


def test_a_bare_attribute_question_without_context_asks_which_procedure(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    slots = answer(dispatcher, domain, "lệ phí bao nhiêu", "ask_procedure_fee")
    assert dispatcher.messages[0]["response"] == "utter_procedure_ask_which"
    assert slots == {"last_attribute": "fee"}


def test_no_match_says_so_and_points_to_a_person(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    answer(dispatcher, domain, "thủ tục cấp phép nuôi ong mật", "ask_procedure_overview")
    message = dispatcher.messages[0]
    assert message["response"] == "utter_procedure_not_found"
    assert message["contact_phone"] == "0205 3 999 999"


def test_online_answer_links_the_service(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    answer(dispatcher, domain, "làm hộ chiếu online được không", "ask_procedure_online")
    message = dispatcher.messages[0]
    assert message["response"] == "utter_procedure_online"
    assert "https://dichvucong.gov.vn" in message["footer"]


def test_list_procedures_of_a_field(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    ActionListProcedures().run(
        dispatcher, make_tracker("danh sách thủ tục cư trú", "list_procedures"), domain
    )
    message = dispatcher.messages[0]
    assert message["response"] == "utter_procedure_list"
    assert "Đăng ký thường trú" in message["procedures"]
    assert "Đăng ký khai sinh" not in message["procedures"]


def test_list_procedures_without_a_field_lists_the_fields(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    ActionListProcedures().run(
        dispatcher, make_tracker("bạn biết những thủ tục nào", "list_procedures"), domain
    )
    message = dispatcher.messages[0]
    assert message["response"] == "utter_procedure_fields"
    with Session(actions_db) as session:
        total = session.scalar(select(func.count()).select_from(Procedure))
        civil = session.scalar(
            select(func.count()).select_from(Procedure).where(Procedure.field == "Hộ tịch")
        )
    assert message["count"] == total
    assert f"Hộ tịch ({civil} thủ tục)" in message["fields"]


def test_times_and_fees_name_their_channel_only_when_the_source_does(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    answer(
        dispatcher,
        domain,
        "",
        "ask_procedure_duration",
        entities=[{"entity": "procedure_key", "value": "1.013083"}],
    )
    assert dispatcher.messages[0]["durations"] == "• Nộp trực tuyến: 8 giờ"  # the portal's
    answer(
        dispatcher,
        domain,
        "",
        "ask_procedure_fee",
        entities=[{"entity": "procedure_key", "value": PASSPORT}],
    )
    fees = dispatcher.messages[2]["fees"].splitlines()
    # the national record's fee per channel; the reduced online fee says it has ended
    assert fees[0].startswith("• Nộp trực tuyến: 160.000 đồng")
    assert "nay đã hết hạn" in fees[0]
    assert any(line.startswith("• Nộp trực tiếp: 200.000 đồng") for line in fees)


def life_event_payload(event: str) -> dict[str, Any]:
    return {"entity": "life_event", "value": event}


def test_an_unsure_search_offers_the_likeliest_life_events(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    answer(dispatcher, domain, "nhà tôi có việc buồn, cần làm giấy tờ gì", "ask_procedure_overview")
    offers = [m for m in dispatcher.messages if m["response"] == "utter_life_event_offer"]
    assert len(offers) == 1
    buttons = offers[0]["buttons"]
    assert 1 <= len(buttons) <= 3
    assert all(b["payload"].startswith('/list_procedures{"life_event": "') for b in buttons)
    assert len({b["title"] for b in buttons}) == len(buttons)


def test_a_life_event_lists_its_procedures_nearest_to_what_was_written_first(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    tracker = make_tracker(
        '/list_procedures{"life_event": "nguoi_than_qua_doi"}',
        "list_procedures",
        entities=[life_event_payload("nguoi_than_qua_doi")],
        earlier=["ông tôi mất rồi, gia đình phải báo với xã thế nào"],
    )
    ActionListProcedures().run(dispatcher, tracker, domain)
    message = dispatcher.messages[0]
    assert message["response"] == "utter_procedure_list"
    assert message["list_title"] == "Người thân qua đời:"
    assert "Đăng ký khai tử" in message["procedures"]
    assert "Đăng ký kết hôn (" not in message["procedures"]
    keys = [b["payload"] for b in message["buttons"]]
    assert 1 <= len(keys) <= 5
    assert '"procedure_key": "1.000656"' in keys[0]  # Đăng ký khai tử, the nearest


def test_an_unknown_life_event_asks_which_procedure(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    tracker = make_tracker(
        '/list_procedures{"life_event": "sinh_nhat"}',
        "list_procedures",
        entities=[life_event_payload("sinh_nhat")],
    )
    ActionListProcedures().run(dispatcher, tracker, domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_procedure_ask_which"]
