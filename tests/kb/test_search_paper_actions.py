"""What the citizen wants done with a paper (search/paper_actions.py), the words that are content
in one spelling and filler in another (search/text.py), and country names hidden in everyday
compounds (search/cues.py): each decides between procedures that share their nouns."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from trolyao.kb.search import ProcedureSearch
from trolyao.kb.search.cues import cue_terms
from trolyao.kb.search.paper_actions import (
    CHANGE,
    COPY,
    EXCHANGE,
    EXTEND,
    FIRST,
    REISSUE,
    REREGISTER,
    SUSPEND,
    TERMINATE,
    action_of_name,
    wanted_actions,
)
from trolyao.kb.search.text import content_tokens


@pytest.fixture(scope="module")
def search(seeded_engine: Engine) -> ProcedureSearch:
    return ProcedureSearch(seeded_engine)


@pytest.mark.parametrize(
    ("name", "action"),
    [
        ("Cấp giấy phép lái xe", FIRST),
        ("Đăng ký xe lần đầu", FIRST),
        ("Cấp lại Giấy chứng nhận đăng ký hộ kinh doanh", REISSUE),
        ("Trình báo mất hộ chiếu phổ thông", REISSUE),
        ("Đăng ký lại khai tử", REREGISTER),
        ("Cấp bản sao trích lục hộ tịch", COPY),
        ("Đổi giấy phép lái xe", EXCHANGE),
        ("Cấp đổi thẻ căn cước (thực hiện tại cấp tỉnh)", EXCHANGE),
        ("Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", CHANGE),
        ("Tạm ngừng hoạt động hộ kinh doanh", SUSPEND),
        ("Chấm dứt hoạt động hộ kinh doanh", TERMINATE),
        ("XÓA ĐĂNG KÝ THƯỜNG TRÚ", TERMINATE),
        ("Gia hạn tạm trú", EXTEND),
    ],
)
def test_the_action_of_a_procedure_is_read_from_its_name(name: str, action: str) -> None:
    assert action_of_name(name) == action


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("đi chợ đánh rơi mất giấy phép kinh doanh", REISSUE),
        ("bang lai o to cua toi het han thang truoc", EXCHANGE),
        ("tiệm may nhà tôi nghỉ tạm ít tuần", SUSPEND),
        ("bán mãi không có lãi, tôi dẹp luôn cái tiệm", TERMINATE),
        ("muốn chuyển tiệm sang địa điểm khác trong phường", CHANGE),
        ("giấy khai sinh của con ghi sai ngày sinh", CHANGE),
        ("lần đầu đi thi bằng ô tô", FIRST),
        ("tạm trú của tôi sắp hết hạn, muốn gia hạn thêm", EXTEND),
    ],
)
def test_what_the_citizen_wants_done_is_read_from_everyday_words(text: str, wanted: str) -> None:
    assert wanted in wanted_actions(text)


@pytest.mark.parametrize(
    "text",
    ["bố tôi mất năm ngoái", "thủ tục làm hộ chiếu", "lệ phí đăng ký khai sinh bao nhiêu"],
)
def test_a_message_that_asks_for_no_action_changes_nothing(text: str) -> None:
    assert wanted_actions(text) == frozenset()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tiệm tạp hóa nhà tôi tạm nghỉ bán một tháng", "Tạm ngừng hoạt động hộ kinh doanh"),
        ("cửa hàng nhà tôi muốn tạm đóng cửa ít tuần", "Tạm ngừng hoạt động hộ kinh doanh"),
        ("buôn bán ế quá, tôi nghỉ hẳn không bán nữa", "Chấm dứt hoạt động hộ kinh doanh"),
        ("bằng lái ô tô của tôi hết hạn tháng trước", "Đổi giấy phép lái xe"),
        ("tôi làm mất bằng lái xe máy", "Cấp lại giấy phép lái xe"),
        ("con tôi học lái xe máy, thi lần đầu", "Cấp giấy phép lái xe"),
        ("cửa hàng chuyển sang địa điểm khác", "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh"),
        ("xin bản sao giấy kết hôn từ sổ lưu ở xã", "Cấp bản sao trích lục hộ tịch"),
        ("tạm trú sắp hết hạn thì gia hạn thế nào", "Gia hạn tạm trú"),
    ],
)
def test_the_procedure_that_does_what_was_asked_ranks_first(
    search: ProcedureSearch, text: str, expected: str
) -> None:
    assert search.search(text, 5).hits[0].name == expected


def words(text: str) -> list[str]:
    return [t[0] for t in content_tokens(text, query=True) if t]


def test_a_word_is_content_in_one_spelling_and_filler_in_another() -> None:
    assert "ban" in words("nghỉ bán hàng một thời gian")
    assert "ban" in words("nghi ban hang mot thoi gian")  # its neighbours show it
    assert "ban" not in words("bạn ơi cho mình hỏi")
    assert "cua" in words("đóng cửa tiệm vài tháng")
    assert "cua" not in words("giấy tờ của tôi đâu")
    assert "thi" in words("đi thi bằng lái")
    assert "thi" in words("đăng ký thi ở đâu")  # a bare "thi" among accented words
    assert "thi" not in words("tôi thì chưa biết")


@pytest.mark.parametrize(
    "text",
    [
        "làm giấy gì cho hợp pháp",
        "xin phiếu lý lịch tư pháp ở đâu",
        "chủ nhật có làm việc không",
        "cập nhật thông tin cư trú",
    ],
)
def test_country_names_inside_everyday_compounds_are_not_countries(text: str) -> None:
    assert cue_terms(text) == ()


@pytest.mark.parametrize("text", ["lấy chồng người Pháp", "sang Nhật làm việc", "vợ tôi người Úc"])
def test_a_country_named_is_still_a_country(text: str) -> None:
    assert "nuoc_ngoai" in cue_terms(text)


def test_without_a_country_the_domestic_procedure_comes_first(search: ProcedureSearch) -> None:
    names = [h.name for h in search.search("hai đứa tôi sắp cưới, đăng ký kết hôn cần gì", 5).hits]
    assert names[0] == "Đăng ký kết hôn"
    assert names.index("Đăng ký kết hôn") < names.index("Đăng ký kết hôn có yếu tố nước ngoài")
