"""Lạng Sơn's administrative units after 1 July 2025: the data (checked against Resolution
1672/NQ-UBTVQH15), the reading of places in the three forms citizens write, old names
resolved to new ones, ambiguity, other provinces, and the units in the database."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from actions.places import district_question
from trolyao.places.gazetteer import gazetteer
from trolyao.places.models import AdminUnit, LegacyUnit, office, seed_units, update_contact

WARDS = {"Tam Thanh", "Lương Văn Tri", "Kỳ Lừa", "Đông Kinh"}


def test_the_province_has_65_units_61_xa_and_4_phuong_and_its_old_map() -> None:
    g = gazetteer()
    assert len(g.units) == 65
    assert sum(u.kind == "xa" for u in g.units.values()) == 61
    assert {u.name for u in g.units.values() if u.kind == "phuong"} == WARDS
    assert len(g.districts) == 11
    assert 190 <= len(g.old) <= 200
    assert all(set(o.successors) <= set(g.units) for o in g.old.values())
    split = sorted(o.name for o in g.old.values() if len(o.successors) > 1)
    assert split == ["Bính Xá", "Kiên Mộc"]  # the two communes divided between two units
    assert "1672/NQ-UBTVQH15" in g.source["law"] and "vietnamadminunits" in g.source["package"]
    # every current unit took in at least one old commune
    assert all(g.predecessors(code) for code in g.units)


def resolved(text: str) -> tuple[str, str | None, str | None]:
    place = gazetteer().resolve(text)
    return (
        place.status,
        place.unit.title if place.unit else None,
        place.old.title if place.old else None,
    )


@pytest.mark.parametrize(
    ("text", "unit", "old"),
    [
        ("tôi ở xã Hoàng Đồng, thành phố Lạng Sơn", "Phường Tam Thanh", "xã Hoàng Đồng"),
        ("toi o xa hoang dong, thanh pho lang son", "Phường Tam Thanh", "xã Hoàng Đồng"),
        ("t ở x. hoàng đồng tp lạng sơn cũ", "Phường Tam Thanh", "xã Hoàng Đồng"),
        ("thị trấn Na Sầm, huyện Văn Lãng", "Xã Na Sầm", "thị trấn Na Sầm"),
        ("thi tran na sam huyen van lang", "Xã Na Sầm", "thị trấn Na Sầm"),
        ("tt na sam h. van lang", "Xã Na Sầm", "thị trấn Na Sầm"),
        ("nhà em ở phường Tam Thanh", "Phường Tam Thanh", None),
        ("nha em o phuong tam thanh", "Phường Tam Thanh", None),
        ("nhà e ở p.tam thanh", "Phường Tam Thanh", None),
        ("xã Hồng Phong, huyện Cao Lộc", "Xã Đồng Đăng", "xã Hồng Phong"),
        ("mình ở xa khuat xa", "Xã Khuất Xá", None),
        ("quê tôi ở Lộc Bình", "Xã Lộc Bình", None),
    ],
)
def test_old_and_new_addresses_resolve_to_the_current_unit(
    text: str, unit: str, old: str | None
) -> None:
    assert resolved(text) == ("found", unit, old)


def test_an_ambiguous_or_split_name_offers_the_candidates() -> None:
    g = gazetteer()
    same_name = g.resolve("tôi ở xã Hồng Phong")  # Bình Gia's, or Cao Lộc's (now Đồng Đăng)
    assert same_name.status == "ambiguous"
    assert {u.name for u in same_name.candidates} == {"Hồng Phong", "Đồng Đăng"}
    split = g.resolve("em ở xa binh xa cu")
    assert split.status == "ambiguous" and split.old is not None
    assert {u.name for u in split.candidates} == {"Đình Lập", "Kiên Mộc"}
    district = g.resolve("tôi ở huyện Văn Lãng")
    assert district.status == "ambiguous" and district.old_district is not None
    assert "Na Sầm" in {u.name for u in district.candidates}


@pytest.mark.parametrize(
    ("text", "province"),
    [("tôi ở Hà Nội", "Hà Nội"), ("toi o ha noi", "Hà Nội"), ("mình ở sài gòn", "Hồ Chí Minh")],
)
def test_a_place_elsewhere_is_said_to_be_elsewhere(text: str, province: str) -> None:
    place = gazetteer().resolve(text)
    assert (place.status, place.province) == ("outside", province)


@pytest.mark.parametrize(
    "text",
    [
        "đoàn kết là sức mạnh",  # words that are also names are not places without a cue
        "thống nhất ý kiến với cán bộ",
        "làm căn cước cần giấy tờ gì",
        # "Lạng Sơn" alone is the province, not the old city
        "công ty em muốn mở một chi nhánh ở Lạng Sơn",
        "quán phở nào ngon ở Lạng Sơn",
        "tỉnh Lạng Sơn có bao nhiêu xã",
        "",
    ],
)
def test_no_place_is_read_where_none_is_said(text: str) -> None:
    assert gazetteer().resolve(text).status == "none"


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("đăng ký khai tử ra xã hay lên huyện", True),
        ("dang ky khai tu ra xa hay len huyen", True),
        ("đk khai tử ở ubnd huyện à", True),
        ("công an huyện có làm căn cước không", True),
        ("tôi ở thị trấn Na Sầm, huyện Văn Lãng", False),
        ("đăng ký khai tử ở đâu", False),
    ],
)
def test_questions_about_the_district_level_are_recognised(text: str, asks: bool) -> None:
    assert district_question(text) is asks


def test_units_are_seeded_once_and_contacts_are_kept(engine: Engine) -> None:
    with Session(engine) as session, session.begin():
        seed_units(session)
        assert session.scalar(select(func.count()).select_from(AdminUnit)) == 65
        assert session.scalar(select(func.count()).select_from(LegacyUnit)) == len(gazetteer().old)
        tam_thanh = next(u.code for u in gazetteer().units.values() if u.name == "Tam Thanh")
        unknown = office(session, tam_thanh)
        assert unknown is not None and not unknown.known  # nobody has said: null, not made up
        given = {"phone": " 0205 3 870 000 ", "hours": ""}
        changes = update_contact(session, tam_thanh, given, "quantri")
        assert changes == {"phone": (None, "0205 3 870 000")}
    with Session(engine) as session, session.begin():
        assert seed_units(session) == 0  # idempotent
        known = office(session, tam_thanh)
        assert known is not None and known.phone == "0205 3 870 000" and known.hours is None


@pytest.mark.parametrize("text", ["tôi ở thành phố Lạng Sơn", "toi o tp lang son"])
def test_only_the_city_by_its_name_is_the_old_city(text: str) -> None:
    place = gazetteer().resolve(text)
    assert place.status == "ambiguous" and place.old_district is not None


@pytest.mark.parametrize(
    "text",
    ["tôi ở xã Hòa Bình, Hà Nội", "toi o xa hoa binh ha noi", "em ở xã Tân Lập, Thái Nguyên"],
)
def test_a_province_named_after_a_commune_decides(text: str) -> None:
    place = gazetteer().resolve(text)
    assert place.status == "outside" and place.province in ("Hà Nội", "Thái Nguyên")


def test_lang_son_after_a_commune_keeps_the_commune() -> None:
    place = gazetteer().resolve("em ở phường Tam Thanh, Lạng Sơn")
    assert place.status == "found" and place.unit is not None
    assert place.unit.title == "Phường Tam Thanh"
