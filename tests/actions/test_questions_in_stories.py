"""The question at the end of a story decides what is answered (issue: answers that state
the fact asked), and stories that the model took for another intent are read again."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import Engine

from actions.procedures import ActionAnswerProcedure
from actions.rerouting import ActionCheckDossierStatus, ActionContact
from tests.support.trackers import make_tracker


def said(dispatcher: CollectingDispatcher) -> list[str]:
    return [str(m.get("response")) for m in dispatcher.messages]


def titles(dispatcher: CollectingDispatcher) -> list[str]:
    return [b["title"] for m in dispatcher.messages for b in m.get("buttons", [])]


def test_the_question_words_decide_over_a_misread_intent(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    text = "anh chị tôi mất cả, tôi là chú ruột đứng ra làm người giám hộ cho cháu thì bao lâu xong"
    ActionAnswerProcedure().run(dispatcher, make_tracker(text, "ask_procedure_place"), domain)
    first = dispatcher.messages[0]
    assert first["response"] == "utter_procedure_duration"
    assert "Đăng ký giám hộ" in first["procedure_title"]
    assert "3 ngày làm việc" in first["durations"]


def test_a_form_question_gets_the_form_with_its_full_code(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    text = "đơn xin nhập khẩu sản phẩm xử lý chất thải chăn nuôi để khảo nghiệm theo mẫu số mấy"
    ActionAnswerProcedure().run(dispatcher, make_tracker(text, "ask_procedure_place"), domain)
    first = dispatcher.messages[0]
    assert first["response"] == "utter_procedure_documents"
    assert "Mẫu số 13.MTCN" in first["documents"]


def test_a_deadline_question_is_answered_from_the_conditions(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    tracker = make_tracker("Mất hộ chiếu phải báo trong bao lâu?", "ask_procedure_duration")
    ActionAnswerProcedure().run(dispatcher, tracker, domain)
    first = dispatcher.messages[0]
    assert first["response"] == "utter_procedure_deadline"
    assert "Trình báo mất hộ chiếu" in first["procedure_title"]
    assert "02 ngày làm việc kể từ ngày phát hiện" in first["deadlines"]


def test_two_questions_get_two_answers(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    tracker = make_tracker("làm hộ chiếu mất bao lâu và bao nhiêu tiền", "ask_procedure_fee")
    ActionAnswerProcedure().run(dispatcher, tracker, domain)
    assert said(dispatcher)[:2] == ["utter_procedure_fee", "utter_procedure_duration"]
    assert "8 ngày làm việc" in dispatcher.messages[1]["durations"]


def test_close_candidates_with_the_same_answer_are_answered_not_asked(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    tracker = make_tracker("xóa đăng ký phương tiện có mất phí không", "ask_procedure_fee")
    ActionAnswerProcedure().run(dispatcher, tracker, domain)
    first = dispatcher.messages[0]
    assert first["response"] == "utter_procedure_fee" and "Miễn phí" in first["fees"]
    assert "utter_procedure_choose" not in said(dispatcher)


def test_talk_about_life_gets_a_friendly_reply_and_no_procedure(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    text = "hôm nay trời nắng đẹp quá, cả nhà rủ nhau đi chơi hồ"
    ActionAnswerProcedure().run(dispatcher, make_tracker(text, "ask_procedure_overview"), domain)
    assert said(dispatcher) == ["utter_small_talk"] and titles(dispatcher) == []


def test_a_story_taken_for_a_dossier_look_up_is_read_again(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    text = "giấy khai sinh của con em đến giờ vẫn chưa có tên bố vì hồi đó bọn em chưa cưới"
    ActionCheckDossierStatus().run(dispatcher, make_tracker(text, "check_dossier_status"), domain)
    assert "utter_ask_receipt_code" not in said(dispatcher)
    assert "Đăng ký nhận cha, mẹ, con" in titles(dispatcher)


def test_a_story_taken_for_a_contact_request_is_read_again(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    text = "bố tôi viết xong bản di chúc chia đất cho các con, muốn mang lên xã để xác nhận"
    ActionContact().run(dispatcher, make_tracker(text, "ask_contact"), domain)
    assert "utter_contact" not in said(dispatcher)
    assert "Chứng thực di chúc" in titles(dispatcher)
    # a real contact request still gets the contact
    dispatcher.messages.clear()
    ActionContact().run(dispatcher, make_tracker("cho tôi xin số hotline", "ask_contact"), domain)
    assert said(dispatcher) == ["utter_contact"]


def test_no_feedback_question_after_an_answer_with_nothing_to_give(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    tracker = make_tracker("lệ phí cải chính thông tin hộ tịch bao nhiêu", "ask_procedure_fee")
    ActionAnswerProcedure().run(dispatcher, tracker, domain)
    assert said(dispatcher)[0] == "utter_procedure_fee_unknown"
    assert "utter_feedback_prompt" not in said(dispatcher)
    dispatcher.messages.clear()
    tracker = make_tracker("lệ phí làm hộ chiếu bao nhiêu", "ask_procedure_fee")
    ActionAnswerProcedure().run(dispatcher, tracker, domain)
    assert said(dispatcher)[-1] == "utter_feedback_prompt"  # one, after a real answer


def test_no_commune_question_after_the_citizen_said_they_live_elsewhere(
    actions_db: Engine, dispatcher: CollectingDispatcher, domain: dict[str, Any]
) -> None:
    from actions.rerouting import ActionInformPlace

    events = ActionInformPlace().run(
        dispatcher, make_tracker("nhà tôi ở Hà Nội", "inform_place"), domain
    )
    assert said(dispatcher) == ["utter_place_outside"]
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots == {"place_outside": "Hà Nội"}
    dispatcher.messages.clear()
    tracker = make_tracker("đăng ký khai sinh nộp ở đâu", "ask_procedure_place", slots=slots)
    ActionAnswerProcedure().run(dispatcher, tracker, domain)
    assert "utter_procedure_place" in said(dispatcher)
    assert "utter_place_ask" not in said(dispatcher)
