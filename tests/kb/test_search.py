"""Procedure search: ranking of citizens' whole messages, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.support.paths import DATA
from trolyao.errors import InvalidQuery
from trolyao.kb.models import Procedure
from trolyao.kb.search import ProcedureSearch
from trolyao.kb.search.evaluation import evaluate, read_cases
from trolyao.kb.search.guide import two_press_reach
from trolyao.settings import get_settings

DEV_SET = DATA / "search_dev.jsonl"


@pytest.fixture(scope="session")
def search(seeded_engine: Engine) -> ProcedureSearch:
    return ProcedureSearch(seeded_engine)


def top(search: ProcedureSearch, text: str) -> str:
    result = search.search(text, 5)
    assert result.hits, f"no hit for {text!r}"
    return result.hits[0].name


def test_dev_set_has_at_least_150_queries_over_every_form() -> None:
    cases = read_cases(DEV_SET)
    assert len(cases) >= 150
    assert {c["form"] for c in cases} == {"accented", "unaccented", "abbreviated"}


def test_top1_on_the_dev_set_stays_at_or_above_0_9(search: ProcedureSearch) -> None:
    report = evaluate(read_cases(DEV_SET), lambda q: [h.name for h in search.search(q, 5).hits])
    assert report.overall.top1 >= 0.90, report.misses
    assert report.overall.top3 >= 0.97, report.misses
    for form in ("unaccented", "abbreviated"):
        assert report.by_form[form].top1 >= 0.85, (form, report.misses)


@pytest.mark.parametrize(
    "text",
    [
        "thủ tục làm hộ chiếu",
        "thu tuc lam ho chieu",
        "THỦ TỤC LÀM HỘ CHIẾU",
        "Thu Tuc Lam Ho Chieu",
    ],
)
def test_diacritics_and_case_are_ignored(search: ProcedureSearch, text: str) -> None:
    assert top(search, text) == "Cấp hộ chiếu phổ thông trong nước"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("làm cccd", "Cấp thẻ căn cước"),
        ("đổi gplx", "Đổi giấy phép lái xe"),
        ("xin lltp", "Cấp Phiếu lý lịch tư pháp"),
        ("đk hkd", "Đăng ký thành lập hộ kinh doanh"),
        ("dk tam tru", "Đăng ký tạm trú"),
        ("tách hk", "Tách hộ"),
    ],
)
def test_abbreviations_are_expanded(search: ProcedureSearch, text: str, expected: str) -> None:
    assert top(search, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("làm sổ đỏ", "Đăng ký đất đai và cấp Giấy chứng nhận quyền sử dụng đất lần đầu"),
        ("cà vẹt xe", "Đăng ký xe lần đầu"),
        ("làm passport", "Cấp hộ chiếu phổ thông trong nước"),
        ("photo công chứng", "Chứng thực bản sao từ bản chính"),
        ("nhập hộ khẩu", "Đăng ký thường trú"),
    ],
)
def test_aliases_and_colloquial_names_match(
    search: ProcedureSearch, text: str, expected: str
) -> None:
    assert top(search, text) == expected


def test_question_words_do_not_change_the_answer(search: ProcedureSearch) -> None:
    bare = search.search("đăng ký kết hôn", 3)
    chatty = search.search(
        "cho em hỏi thủ tục đăng ký kết hôn như thế nào, mất bao nhiêu tiền ạ", 3
    )
    assert chatty.hits[0].name == bare.hits[0].name == "Đăng ký kết hôn"
    assert chatty.matched


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dang ky khai sihn", "Đăng ký khai sinh"),
        ("lam ho chieeu", "Cấp hộ chiếu phổ thông trong nước"),
        ("hochieu", "Cấp hộ chiếu phổ thông trong nước"),
        ("chứng thực di chuc", "Chứng thực di chúc"),
        ("ly lich tu phapp", "Cấp Phiếu lý lịch tư pháp"),
    ],
)
def test_small_typos_are_tolerated(search: ProcedureSearch, text: str, expected: str) -> None:
    assert top(search, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "hôm nay thời tiết thế nào",
        "kể chuyện cười đi",
        "giá vàng hôm nay bao nhiêu",
        "xin chào",
        "bạn là người hay máy",
        '" OR ( NEAR *',
        "'; DROP TABLE procedures; --",
    ],
)
def test_unrelated_messages_report_no_good_match(search: ProcedureSearch, text: str) -> None:
    result = search.search(text, 5)
    assert not result.matched
    assert result.good_hits(get_settings().search_threshold) == []


def test_scores_are_between_0_and_1_and_sorted(search: ProcedureSearch) -> None:
    hits = search.search("đăng ký khai sinh cho con", 10).hits
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 < s <= 1.0 for s in scores)
    assert len(hits) <= 10


def test_a_national_code_in_the_message_finds_that_procedure(search: ProcedureSearch) -> None:
    result = search.search("cho hỏi thủ tục 1.001193", 5)
    assert result.hits[0].code == "1.001193"
    assert result.hits[0].score == 1.0


def test_close_candidates_are_flagged_ambiguous(search: ProcedureSearch) -> None:
    assert search.search("hộ kinh doanh", 5).ambiguous
    assert search.search("đăng ký", 5).ambiguous
    assert not search.search("làm sổ đỏ", 5).ambiguous


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   \u200b ", "empty"),
        ("x" * 1001, "too_long"),
        ("abc\x00", "control_characters"),
        ("😀🙏", "no_words"),
        ("?!...", "no_words"),
    ],
)
def test_unsearchable_input_raises_a_clear_error(
    search: ProcedureSearch, text: str, reason: str
) -> None:
    with pytest.raises(InvalidQuery) as caught:
        search.search(text, 5)
    assert caught.value.reason == reason
    assert caught.value.message


def test_an_edit_is_visible_to_the_next_search_without_restart(engine: Engine) -> None:
    search = ProcedureSearch(engine)
    assert not search.search("thủ tục xin cấp phép nuôi ong mật", 5).matched
    with Session(engine) as session, session.begin():
        procedure = session.scalars(
            select(Procedure).where(Procedure.name == "Xác định mức độ khuyết tật")
        ).one()
        procedure.aliases = [*procedure.aliases, "cấp phép nuôi ong mật"]
    result = search.search("thủ tục xin cấp phép nuôi ong mật", 5)
    assert result.matched
    assert result.hits[0].name == "Xác định mức độ khuyết tật"


def test_retired_procedures_are_not_found(engine: Engine) -> None:
    search = ProcedureSearch(engine)
    assert top(search, "chứng thực di chúc") == "Chứng thực di chúc"
    with Session(engine) as session, session.begin():
        procedure = session.scalars(select(Procedure).where(Procedure.code == "2.001019")).one()
        procedure.validity = "het_hieu_luc"
    names = [h.name for h in search.search("chứng thực di chúc", 5).hits]
    assert "Chứng thực di chúc" not in names


CITIZEN_SET = DATA / "search_citizen_dev.jsonl"


def test_situational_questions_written_outside_the_team_stay_found(
    search: ProcedureSearch,
) -> None:
    # Evaluation data only (never copied into situations or aliases): a floor, not a target.
    report = evaluate(read_cases(CITIZEN_SET), lambda q: [h.name for h in search.search(q, 5).hits])
    assert report.overall.count >= 170
    # 0.908 / 0.994 while only the catalog had everyday words; with words for every
    # procedure some questions now land on a real sibling first ("Cấp đổi thẻ căn cước",
    # "… khu vực biên giới"): see docs/search.md
    assert report.overall.top1 >= 0.80, report.misses
    assert report.overall.top3 >= 0.92, report.misses


PORTAL_SETS = {
    # outside-written, one question per portal procedure (evaluation only)
    "portal_situations_citizen_dev.jsonl": (0.78, 0.94),
    # the team's, over the other portal procedures, written from the records alone
    "portal_situations_team.jsonl": (0.66, 0.86),
}


@pytest.mark.parametrize("name", sorted(PORTAL_SETS))
def test_portal_procedures_are_found_in_citizens_words(search: ProcedureSearch, name: str) -> None:
    # Floors, not targets: the words come from the records, never from these lines.
    cases = read_cases(DATA / name)
    report = evaluate(cases, lambda q: [(h.name, h.key) for h in search.search(q, 5).hits])
    assert report.overall.count >= 100
    top1, top3 = PORTAL_SETS[name]
    assert report.overall.top1 >= top1, report.misses
    assert report.overall.top3 >= top3, report.misses
    for form, scores in report.by_form.items():
        assert scores.top1 >= top1 - 0.1, (form, scores)
    # a procedure button or a life event, then the procedure (search/guide.py)
    assert two_press_reach(search.index(), cases) >= 0.9


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hôm qua đi chợ bị trộm mất ví, trong có căn cước", "Cấp lại thẻ căn cước"),
        ("bằng lái của tôi bị rách nát, muốn xin cái khác", "Cấp lại giấy phép lái xe"),
        (
            "giấy đăng ký hộ kinh doanh thất lạc đâu mất rồi",
            "Cấp lại Giấy chứng nhận đăng ký hộ kinh doanh",
        ),
        ("con tôi đủ 14 tuổi rồi, đi làm căn cước", "Cấp thẻ căn cước"),
    ],
)
def test_lost_or_damaged_papers_mean_a_reissue(
    search: ProcedureSearch, text: str, expected: str
) -> None:
    assert top(search, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("em sắp cưới anh người Nhật, đăng ký ở đâu", "Đăng ký kết hôn có yếu tố nước ngoài"),
        (
            "chong toi quoc tich Han Quoc, gio muon dang ky ket hon",
            "Đăng ký kết hôn có yếu tố nước ngoài",
        ),
        ("hai đứa đều là người Việt, muốn đăng ký kết hôn", "Đăng ký kết hôn"),
        ("căn cước của tôi hết hạn rồi", "Cấp thẻ căn cước"),
    ],
)
def test_a_foreign_country_named_means_the_foreign_procedure(
    search: ProcedureSearch, text: str, expected: str
) -> None:
    assert top(search, text) == expected


def test_a_death_in_the_family_is_not_a_lost_paper(search: ProcedureSearch) -> None:
    assert top(search, "bố tôi vừa mất tuần trước, gia đình cần làm giấy gì") == "Đăng ký khai tử"


def test_an_edited_situation_counts_at_once(engine: Engine) -> None:
    search = ProcedureSearch(engine)
    question = "nhà tôi nuôi ong lấy mật cần giấy gì"
    assert search.search(question, 5).hits[0].name != "Xác định mức độ khuyết tật"
    with Session(engine) as session, session.begin():
        procedure = session.scalars(
            select(Procedure).where(Procedure.name == "Xác định mức độ khuyết tật")
        ).one()
        procedure.situations = [*procedure.situations, "nuôi ong lấy mật"]
    assert search.search(question, 5).hits[0].name == "Xác định mức độ khuyết tật"
