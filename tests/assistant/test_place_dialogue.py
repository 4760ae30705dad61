"""Answers that know where the citizen lives, through the real engine and actions, in the
three forms citizens write: the district level that no longer exists, old addresses said
once in their new form, the citizen's commune office for commune-level procedures, the
place remembered and changed, ambiguity, and people outside the province."""

from __future__ import annotations

import itertools
import json

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from tests.support.assistant import Assistant
from trolyao.places.gazetteer import gazetteer
from trolyao.places.models import update_contact

_ids = itertools.count()
NO_DISTRICT = "Từ ngày 01/7/2025 không còn cấp huyện"


def sender() -> str:
    return f"place-{next(_ids)}"


def code_of(name: str) -> str:
    return next(u.code for u in gazetteer().units.values() if u.name == name)


@pytest.mark.parametrize(
    "text",
    [
        "đăng ký khai tử ra xã hay lên huyện",
        "dang ky khai tu ra xa hay len huyen",
        "đk khai tử ra xã hay lên h",
    ],
)
def test_the_district_level_is_said_to_be_gone(assistant: Assistant, text: str) -> None:
    said = assistant.text(sender(), text)
    assert NO_DISTRICT in said
    assert "Đăng ký khai tử" in said  # and the question itself is answered
    assert "Bạn ở xã/phường nào?" in said  # a commune-level procedure: where do you live?


@pytest.mark.parametrize(
    ("address", "follow_up"),
    [
        ("tôi ở xã Hoàng Đồng, thành phố Lạng Sơn", "đăng ký khai sinh nộp ở đâu"),
        ("toi o xa hoang dong, thanh pho lang son", "dang ky khai sinh nop o dau"),
        ("t ở x. hoàng đồng tp lạng sơn", "đk khai sinh nộp ở đâu"),
    ],
)
def test_an_old_address_is_resolved_said_once_and_remembered(
    assistant: Assistant, address: str, follow_up: str
) -> None:
    who = sender()
    first = assistant.text(who, address)
    assert "Xã Hoàng Đồng cũ (thành phố Lạng Sơn) nay thuộc phường Tam Thanh." in first
    assert "bạn ở phường Tam Thanh" in first
    answer = assistant.text(who, follow_up)
    assert "Đăng ký khai sinh" in answer
    assert "nộp tại UBND phường Tam Thanh" in answer
    assert "nay thuộc" not in answer  # said once
    again = assistant.text(who, address)
    assert "nay thuộc phường Tam Thanh" not in again


def test_the_place_changes_when_the_citizen_names_another(assistant: Assistant) -> None:
    who = sender()
    assistant.text(who, "nhà tôi ở phường Tam Thanh")
    assert "UBND phường Tam Thanh" in assistant.text(who, "đăng ký kết hôn làm ở đâu")
    moved = assistant.text(who, "giờ tôi chuyển về thị trấn Na Sầm, huyện Văn Lãng")
    assert "Thị trấn Na Sầm cũ (huyện Văn Lãng) nay thuộc xã Na Sầm." in moved
    assert "UBND xã Na Sầm" in moved  # the pending place question, for the new place
    assert "UBND xã Na Sầm" in assistant.text(who, "còn đăng ký khai tử thì nộp ở đâu")


def test_the_commune_office_contact_is_given_when_known(assistant: Assistant) -> None:
    engine = create_engine(assistant.database_url)
    try:
        with Session(engine) as session, session.begin():
            update_contact(
                session,
                code_of("Khuất Xá"),
                {"address": "Thôn Pò Mới, xã Khuất Xá", "phone": "0205 3 840 111"},
                "quantri",
            )
        who = sender()
        said = assistant.text(who, "tôi ở xã Khuất Xá thì đăng ký khai sinh ở đâu")
        assert "UBND xã Khuất Xá" in said
        assert "• Điện thoại: 0205 3 840 111" in said
        assert "• Địa chỉ: Thôn Pò Mới, xã Khuất Xá" in said
        unknown = assistant.text(sender(), "mình ở xa na sam, dang ky khai sinh o dau")
        assert "chưa có địa chỉ, số điện thoại chính thức của UBND xã Na Sầm" in unknown
    finally:
        engine.dispose()


def test_an_ambiguous_name_asks_which_and_a_button_settles_it(assistant: Assistant) -> None:
    who = sender()
    messages = assistant.say(who, "tôi ở xã Hồng Phong")
    buttons = [b for m in messages for b in m.get("buttons") or []]  # type: ignore[attr-defined]
    titles = {b["title"] for b in buttons}
    assert titles == {"Xã Hồng Phong", "Xã Đồng Đăng"}
    chosen = next(b for b in buttons if b["title"] == "Xã Đồng Đăng")
    payload = json.dumps({"place_code": code_of("Đồng Đăng")})
    assert chosen["payload"] == f"/inform_place{payload}"
    confirmed = assistant.text(who, chosen["payload"])
    assert "bạn ở xã Đồng Đăng" in confirmed
    assert "UBND xã Đồng Đăng" in assistant.text(who, "đăng ký kết hôn làm ở đâu")


@pytest.mark.parametrize(
    "text",
    [
        "tôi ở Hà Nội thì đăng ký khai sinh ở đâu",
        "toi o ha noi thi dang ky khai sinh o dau",
        "mình ở tp hcm, đk khai sinh ở đâu",
    ],
)
def test_people_elsewhere_are_told_where_to_apply(assistant: Assistant, text: str) -> None:
    said = assistant.text(sender(), text)
    assert "thủ tục hành chính của tỉnh Lạng Sơn" in said
    assert "nơi bạn cư trú" in said and "dichvucong.gov.vn" in said


def test_a_place_the_assistant_does_not_know_is_asked_again(assistant: Assistant) -> None:
    said = assistant.text(sender(), "tôi ở xã Chưa Có Tên")
    assert "Bạn ở xã/phường nào?" in said or "chưa nhận ra xã/phường" in said


@pytest.mark.parametrize(
    "text",
    [
        "số điện thoại UBND phường Đông Kinh là gì",
        "so dien thoai ubnd phuong dong kinh la gi",
        "sđt ubnd p. đông kinh là bn",
    ],
)
def test_a_commune_office_contact_is_asked_directly(assistant: Assistant, text: str) -> None:
    said = assistant.text(sender(), text)
    assert "UBND phường Đông Kinh" in said


@pytest.mark.parametrize(
    "first", ["tôi ở xã Hồng Phong", "toi o xa hong phong", "t ở x. hồng phong"]
)
def test_an_ambiguous_name_asks_which_in_every_form(assistant: Assistant, first: str) -> None:
    messages = assistant.say(sender(), first)
    titles = {b["title"] for m in messages for b in m.get("buttons") or []}  # type: ignore[attr-defined]
    assert titles == {"Xã Hồng Phong", "Xã Đồng Đăng"}


def test_a_provincial_procedure_never_sends_the_citizen_to_the_commune(
    assistant: Assistant,
) -> None:
    who = sender()
    assistant.text(who, "làm hộ chiếu nộp ở đâu")
    said = assistant.text(who, "tôi ở xã Khuất Xá thì nộp ở đâu")
    assert "hộ chiếu" in said.lower()
    assert "UBND xã Khuất Xá" not in said  # not a commune-level procedure
