"""Guided narrowing by life event (search/guide.py): the events offered when search is
unsure, an event's procedures nearest to what the citizen wrote, and the presses needed."""

from __future__ import annotations

from trolyao.kb.repository import IndexRow
from trolyao.kb.search.guide import (
    MAX_EVENTS,
    event_procedures,
    likely_events,
    presses_to_reach,
)
from trolyao.kb.search.index import SearchIndex


def row(
    i: int, name: str, events: tuple[str, ...], situations: list[str] | None = None
) -> IndexRow:
    return IndexRow(
        id=i,
        code=f"1.00000{i}",
        slug=f"thu-tuc-{i}",
        name=name,
        aliases=[],
        situations=situations or [],
        field="Thử nghiệm",
        life_events=events,
    )


INDEX = SearchIndex(
    [
        row(1, "Đăng ký khai tử", ("nguoi_than_qua_doi",), ["người thân qua đời"]),
        row(2, "Đăng ký khai tử lưu động", ("nguoi_than_qua_doi",), ["ốm nặng không đi được"]),
        row(3, "Giải quyết hưởng chế độ tử tuất", ("nguoi_than_qua_doi", "viec_lam_bao_hiem")),
        row(4, "Đăng ký khai sinh", ("co_con_nho",), ["vừa sinh con"]),
        row(5, "Cấp thẻ bảo hiểm y tế", ("viec_lam_bao_hiem", "co_con_nho")),
        row(6, "Đăng ký kết hôn", ("ket_hon_gia_dinh",), ["sắp cưới"]),
    ]
)


def test_the_events_of_the_best_candidates_come_first() -> None:
    hits = INDEX.search("bố tôi mất, làm khai tử và tiền tử tuất", 5).hits
    events = likely_events(INDEX, hits)
    assert events[0] == "nguoi_than_qua_doi"
    assert "ket_hon_gia_dinh" not in events
    assert len(events) <= MAX_EVENTS
    assert likely_events(INDEX, []) == []


def test_an_events_procedures_are_ordered_by_what_was_written_then_by_name() -> None:
    by_name = [r.name for r in event_procedures(INDEX, "nguoi_than_qua_doi")]
    assert by_name == [
        "Đăng ký khai tử",
        "Đăng ký khai tử lưu động",
        "Giải quyết hưởng chế độ tử tuất",
    ]
    nearest = event_procedures(INDEX, "nguoi_than_qua_doi", "tiền tử tuất của bố")
    assert nearest[0].name == "Giải quyết hưởng chế độ tử tuất"
    assert {r.name for r in nearest} == set(by_name)
    assert event_procedures(INDEX, "khong_co") == []
    assert len(event_procedures(INDEX, "co_con_nho", "   ")) == 2


def test_presses_count_the_way_to_the_wanted_procedure() -> None:
    def presses(text: str, wanted: str, threshold: float = 0.31) -> int | None:
        return presses_to_reach(INDEX, text, {wanted}, threshold=threshold, ambiguity_margin=0.06)

    assert presses("đăng ký kết hôn", "Đăng ký kết hôn") == 0  # answered at once
    assert presses("khai tử", "Đăng ký khai tử lưu động") is None  # answered, another one
    # unsure (a threshold nothing reaches): the procedures found are offered, then the
    # life events of those, each listing its procedures
    unsure = 0.99
    assert presses("thẻ bảo hiểm", "Cấp thẻ bảo hiểm y tế", unsure) == 1
    assert presses("thẻ bảo hiểm", "Đăng ký khai sinh", unsure) == 2  # through "Có con nhỏ"
    assert presses("thẻ bảo hiểm", "Đăng ký kết hôn", unsure) is None
