"""Variants told apart by the citizen's words (search/variants.py): a qualified procedure
("… lưu động", "… doanh nghiệp", "… hợp tác xã") fits only a question that tells its case."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from actions.suggestions import procedure_buttons
from trolyao.kb.search import ProcedureSearch, SearchHit
from trolyao.kb.search.variants import VARIANTS, misfits, variants_of


@pytest.fixture(scope="module")
def search(seeded_engine: Engine) -> ProcedureSearch:
    return ProcedureSearch(seeded_engine)


def marker(text: str) -> int:
    return next(i for i, v in enumerate(VARIANTS) if v.marker == text)


def test_names_are_read_for_their_qualifiers() -> None:
    assert variants_of("Thủ tục đăng ký khai tử lưu động") == (marker("luu dong"),)
    assert variants_of("Đăng ký khai tử") == ()
    assert marker("ho kinh doanh") in variants_of("Chấm dứt hoạt động hộ kinh doanh")
    assert marker("hop tac xa") in variants_of("Đăng ký giải thể hợp tác xã")


@pytest.mark.parametrize(
    ("text", "fits", "misfits_"),
    [
        ("mẹ tôi nằm liệt giường, bố vừa mất", "luu dong", "hop tac xa"),
        ("cty e muốn giải thể", "doanh nghiep", "ho kinh doanh"),
        ("cửa hàng tạp hóa nhà tôi đóng cửa", "ho kinh doanh", "doanh nghiep"),
        ("htx chúng tôi đổi tên", "hop tac xa", "luu dong"),
    ],
)
def test_a_question_fits_the_variants_whose_case_it_tells(
    text: str, fits: str, misfits_: str
) -> None:
    unfit = misfits(text)
    assert marker(fits) not in unfit
    assert marker(misfits_) in unfit


def test_a_company_is_not_a_household_business_even_when_it_does_business() -> None:
    assert marker("ho kinh doanh") in misfits("công ty kinh doanh vận tải muốn dừng hẳn")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "ông tôi mất đêm qua, bà nằm liệt một chỗ không lên xã được, khai tử thế nào",
            "Thủ tục đăng ký khai tử lưu động",
        ),
        ("ông tôi mất đêm qua, báo tử với xã thế nào", "Đăng ký khai tử"),
        (
            "quán ăn nhà tôi không bán nữa, trả giấy phép thế nào",
            "Chấm dứt hoạt động hộ kinh doanh",
        ),
    ],
)
def test_search_picks_the_variant_the_words_tell(
    search: ProcedureSearch, text: str, expected: str
) -> None:
    assert search.search(text, 3).hits[0].name == expected


def test_a_company_closing_down_is_not_offered_the_household_procedure(
    search: ProcedureSearch,
) -> None:
    names = [h.name for h in search.search("công ty làm ăn thua lỗ, muốn đóng cửa hẳn", 3).hits]
    assert names[0].startswith("Giải thể doanh nghiệp")
    assert "Chấm dứt hoạt động hộ kinh doanh" not in names[:1]


def hit(key: str, name: str, short: str | None) -> SearchHit:
    return SearchHit(1, key, key, name, "Thử", 0.5, short)


def test_buttons_show_short_names_where_official_names_read_the_same() -> None:
    long = "Đăng ký thay đổi nội dung đăng ký hoạt động của chi nhánh, văn phòng đại diện, "
    hits = [
        hit("1.000001", long + "địa điểm kinh doanh của hợp tác xã", "Thay đổi chi nhánh HTX"),
        hit("1.000002", long + "địa điểm kinh doanh của doanh nghiệp", "Thay đổi chi nhánh DN"),
        hit("1.000003", "Đăng ký khai tử", "Khai tử"),
    ]
    titles = [b["title"] for b in procedure_buttons(hits, "ask_procedure_overview")]
    assert titles == ["Thay đổi chi nhánh HTX", "Thay đổi chi nhánh DN", "Đăng ký khai tử"]
