"""Dialogue slips seen in whole conversations, each fixed and kept fixed, in the three forms
citizens write (accented, unaccented, abbreviated), through the real engine and actions."""

from __future__ import annotations

import itertools

import pytest

from tests.support.assistant import Assistant
from trolyao.redaction import redact

_ids = itertools.count()


def sender() -> str:
    return f"slip-{next(_ids)}"


@pytest.mark.parametrize(
    "text",
    [
        "cho mình hỏi đăng ký kết hôn làm ở đâu",
        "cho minh hoi dang ky ket hon lam o dau",
        "cho mk hỏi đk kết hôn lm ở đâu",
    ],
)
def test_an_exact_name_is_answered_directly(assistant: Assistant, text: str) -> None:
    said = assistant.text(sender(), text)
    assert "Đăng ký kết hôn (mã 1.000894)" in said
    assert "Bạn muốn hỏi thủ tục nào" not in said


@pytest.mark.parametrize(
    "text",
    [
        "giấy phép lái xe bị mất thì làm lại hết bao nhiêu tiền",
        "giay phep lai xe bi mat thi lam lai het bao nhieu tien",
        "gplx bị mất thì làm lại hết bn tiền",
    ],
)
def test_a_qualifier_picks_the_matching_procedure(assistant: Assistant, text: str) -> None:
    said = assistant.text(sender(), text)
    assert "Cấp lại giấy phép lái xe" in said
    assert "Phí, lệ phí" in said or "phí, lệ phí" in said


@pytest.mark.parametrize(
    ("first", "follow_up"),
    [
        ("lệ phí chứng thực bản sao", "tối đa một bản thì bao nhiêu?"),
        ("le phi lam ho chieu", "em la sinh vien thi le phi bao nhieu?"),
        ("lệ phí làm hộ chiếu", "e là sv thì lệ phí bn?"),
    ],
)
def test_a_follow_up_with_a_qualifier_keeps_the_procedure(
    assistant: Assistant, first: str, follow_up: str
) -> None:
    who = sender()
    opening = assistant.text(who, first)
    title = opening.splitlines()[0]
    again = assistant.text(who, follow_up)
    assert again.splitlines()[0] == title


@pytest.mark.parametrize(
    "text",
    [
        "cho tôi số điện thoại để hỏi trực tiếp",
        "cho toi so dien thoai de hoi truc tiep",
        "cho t sđt để hỏi trực tiếp",
    ],
)
def test_a_contact_request_gets_the_contact(assistant: Assistant, text: str) -> None:
    said = assistant.text(sender(), text)
    assert "0205 3 999 999" in said  # CONTACT_PHONE of the test assistant


@pytest.mark.parametrize(
    "text",
    [
        "sđt của em là 0912 345 678, nhờ cán bộ gọi lại giúp em",
        "sdt cua em la 0912 345 678, nho can bo goi lai giup em",
        "sđt e 0912345678, nhờ cb gọi lại giúp e vs",
    ],
)
def test_a_call_back_request_is_a_hand_off(assistant: Assistant, text: str) -> None:
    said = assistant.text(sender(), redact(text))  # as the edge sends it to the engine
    assert "cán bộ" in said and "mã hồ sơ" not in said


@pytest.mark.parametrize(
    "text",
    [
        "thế còn làm căn cước thì hết bao nhiêu?",
        "the con lam can cuoc thi het bao nhieu?",
        "thế còn lm cccd thì hết bn?",
    ],
)
def test_a_fee_question_about_another_procedure_answers_the_fee(
    assistant: Assistant, text: str
) -> None:
    who = sender()
    assistant.text(who, "thủ tục làm hộ chiếu")
    said = assistant.text(who, text)
    assert "Cấp thẻ căn cước" in said
    assert "Lĩnh vực" not in said  # not the overview
