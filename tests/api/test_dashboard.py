"""The officials' dashboard and review pages in headless Chromium, with ingested data."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import insert
from sqlalchemy.orm import Session

from tests.support.assistant import serve_api
from tests.support.databases import migrated_seeded_engine
from tests.support.events import DAY, STREAM, T0, action, bot, slot, user
from tests.support.staff import PASSWORD
from trolyao.accounts.auth import create_user
from trolyao.analytics.ingest import Ingester, broker_events_table
from trolyao.db import make_engine
from trolyao.handoffs import open_case

SPAN = f"from={DAY.isoformat()}&to={DAY.isoformat()}"
# A day of its own, ten days before, so that the figures of SPAN and of its week stay as
# they are: a missing fact of a procedure that has no national code.
EARLIER = T0 - 10 * 86400
WITHOUT_CODE = "dang-ky-tai-khoan-dinh-danh-dien-tu-muc-do-2"  # a procedure known by its local key
EARLIER_DAY = DAY - dt.timedelta(days=10)
QUOTED_SPAN = SPAN.replace("=", "%3D").replace("&", "%26")
# Another day of its own: citizens who said where they live (questions by commune).
PLACED = T0 - 20 * 86400
PLACED_DAY = DAY - dt.timedelta(days=20)
TAM_THANH = "05986"
NA_SAM = "06124"
HOSTILE = '<img src=x onerror="document.title=1">'


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("dashboard")
    url = f"sqlite:///{folder / 'app.db'}"
    engine = migrated_seeded_engine(url)
    broker = make_engine(f"sqlite:///{folder / 'events.db'}")
    table = broker_events_table()
    table.metadata.create_all(broker)
    extra = [
        ("web-h", user(T0 + 40, HOSTILE, "nlu_fallback")),
        ("web-h", bot(T0 + 40.2, "utter_fallback")),
        ("web-nc", user(EARLIER, "lệ phí định danh điện tử mức 2", "ask_procedure_fee")),
        ("web-nc", action(EARLIER + 0.1, "action_answer_procedure")),
        ("web-nc", bot(EARLIER + 0.2, "utter_procedure_fee_unknown")),
        ("web-nc", slot(EARLIER + 0.2, "procedure_key", WITHOUT_CODE)),
        ("web-p1", user(PLACED, "tôi ở xã Hoàng Đồng cũ", "inform_place")),
        ("web-p1", bot(PLACED + 0.1, "utter_place_old_now")),
        ("web-p1", slot(PLACED + 0.1, "place_code", TAM_THANH)),
        ("web-p1", user(PLACED + 60, "đăng ký khai sinh ở đâu", "ask_procedure_place")),
        ("web-p1", bot(PLACED + 60.1, "utter_procedure_place")),
        ("web-p1", slot(PLACED + 60.1, "place_code", TAM_THANH)),
        ("tg-p2", user(PLACED + 5, "mình ở xa na sam", "inform_place", channel="telegram")),
        ("tg-p2", bot(PLACED + 5.1, "utter_place_set")),
        ("tg-p2", slot(PLACED + 5.1, "place_code", NA_SAM)),
    ]
    with broker.begin() as conn:
        conn.execute(
            insert(table), [{"sender_id": s, "data": json.dumps(e)} for s, e in STREAM + extra]
        )
    Ingester(engine, broker).run_until_idle()
    with Session(engine) as session, session.begin():
        create_user(session, "canbo", PASSWORD, "official")
        create_user(session, "bientap", PASSWORD, "editor")
        create_user(session, "quantri", PASSWORD, "admin")
        case = open_case(session, "web-h", "web")  # a citizen who left a way to be reached
        case.stage, case.contact = "done", "0912 345 678"
        case.description = "[SĐT], hỏi về hồ sơ đất đai <script>alert(1)</script>"
    engine.dispose()
    with serve_api(url, folder) as base:
        yield base


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    page = context.new_page()
    yield page
    context.close()


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.fill("#username", username)
    page.fill("#password", password)
    page.get_by_role("button", name="Đăng nhập").click()


def test_the_dashboard_shows_the_figures_and_charts(
    site: str, page: Page, tmp_path_factory: pytest.TempPathFactory
) -> None:
    page.goto(f"{site}/dashboard?{SPAN}")
    expect(page).to_have_url(f"{site}/dashboard/login?next=%2Fdashboard%3F{QUOTED_SPAN}")
    sign_in(page, "canbo", "sai-mat-khau-roi")
    expect(page.locator("#login-message")).to_contain_text("Sai tên đăng nhập hoặc mật khẩu")
    sign_in(page, "canbo")
    expect(page.locator("[data-kpi=messages] .kpi-value")).to_have_text("7")
    expect(page.locator("[data-kpi=conversations] .kpi-value")).to_have_text("4")
    expect(page.locator("[data-kpi=unique_users] .kpi-value")).to_have_text("4")
    expect(page.locator("[data-kpi=handoff_requests] .kpi-value")).to_have_text("1")
    expect(page.locator("[data-plan=citizens_helped]")).to_have_text("1")
    expect(page.locator("[data-plan=unanswered_questions]")).to_have_text("4")
    bars = page.locator("#chart-by-day rect.bar")
    expect(bars).to_have_count(1)
    assert bars.first.get_attribute("data-value") == "7"
    expect(page.locator("#chart-fallback circle.dot")).to_have_count(1)
    expect(page.locator("#chart-channels li")).to_have_count(2)
    expect(page.locator("#chart-procedures li")).to_have_count(2)
    expect(page.locator("#chart-satisfaction .down")).to_have_attribute("data-value", "1")
    expect(page.locator("[data-kb=summary]")).to_contain_text("từ Cổng DVC quốc gia")
    expect(page.locator("[data-kb=everyday-words]")).to_contain_text("Có từ ngữ đời thường")
    # every rate with its count, every plan measure with its definition
    expect(page.locator("[data-kpi=satisfaction] .kpi-value")).to_contain_text("· 1 đánh giá")
    expect(page.locator("[data-kpi=answered_rate] .kpi-value")).to_contain_text("câu hỏi")
    expect(page.locator("#plan-definitions dt")).to_have_count(4)
    expect(page.locator("#chart-kb-coverage li")).to_have_count(8)
    page.screenshot(
        path=os.environ.get(
            "DASHBOARD_SHOT", str(tmp_path_factory.mktemp("shots") / "dashboard.png")
        ),
        full_page=True,
    )
    report = page.locator("#report-csv").get_attribute("href") or ""
    assert report.startswith("/api/analytics/report.csv?") and DAY.isoformat() in report
    # a week: every day has its bar, the quiet ones at zero
    page.fill("input[name=from]", (DAY - dt.timedelta(days=6)).isoformat())
    page.get_by_role("button", name="Xem").click()
    expect(page.locator("#chart-by-day rect.bar")).to_have_count(7)
    values = [b.get_attribute("data-value") for b in page.locator("#chart-by-day rect.bar").all()]
    assert values == ["0"] * 6 + ["7"]
    expect(page.locator("#chart-fallback circle.dot")).to_have_count(1)
    assert f"from={(DAY - dt.timedelta(days=6)).isoformat()}" in page.url


def test_review_from_the_dashboard_to_a_transcript_and_back(site: str, page: Page) -> None:
    page.goto(f"{site}/dashboard/login?next=%2Fdashboard%3F{QUOTED_SPAN}")
    sign_in(page, "canbo")
    page.locator("[data-kpi=fallback_rate] a").click()
    expect(page.locator("#total")).to_have_attribute("data-total", "2")
    page.select_option("select[name=fallback]", "")
    page.get_by_role("button", name="Lọc").click()
    expect(page.locator("#total")).to_have_attribute("data-total", "4")
    page.select_option("select[name=handoff]", "true")
    page.get_by_role("button", name="Lọc").click()
    expect(page.locator("#conversations tbody tr")).to_have_count(1)
    expect(page.locator("#conversations tbody tr td.quote")).to_have_text("cho gặp cán bộ")
    page.select_option("select[name=handoff]", "")
    page.select_option("select[name=fallback]", "true")
    page.get_by_role("button", name="Lọc").click()
    expect(page.locator("#conversations tbody tr")).to_have_count(2)

    # hostile text is shown as text, never run
    page.locator("#conversations tbody tr", has_text="<img").locator("a").click()
    expect(page.locator("#transcript .said.citizen .text")).to_have_text(HOSTILE)
    assert page.locator("#transcript img").count() == 0
    assert page.title() != "1"

    page.goto(f"{site}/dashboard/conversations?{SPAN}&intent=ask_procedure_fee")
    expect(page.locator("select[name=intent]")).to_have_value("ask_procedure_fee")
    expect(page.locator("select[name=intent] option:checked")).to_have_text("Hỏi phí, lệ phí")
    row = page.locator("#conversations tbody tr").first
    expect(row).not_to_contain_text("1.004837")  # procedure names, not codes
    row.locator("a").click()
    expect(page.locator("#transcript li.turn")).to_have_count(3)
    # plain language: Vietnamese intents, button presses as buttons, model names hidden
    expect(page.locator("#transcript")).to_contain_text("Hỏi phí, lệ phí")
    expect(page.locator("#transcript")).not_to_contain_text("/feedback{")
    said = page.evaluate(
        """() => import('/static/staff/staff.js').then((m) => [
            m.spoken('/feedback{"feedback_value": "down"}'),
            m.spoken('/ask_procedure_fee{"procedure_key": "1.004194"}',
                     {procedure_name: 'Đăng ký tạm trú'}),
            m.spoken('lệ phí bao nhiêu'),
        ])"""
    )
    assert said == [
        "[Bấm nút] Chưa hữu ích",
        "[Bấm nút] Hỏi phí, lệ phí — Đăng ký tạm trú",
        "lệ phí bao nhiêu",
    ]
    expect(page.locator("#transcript details.technical").first).not_to_have_attribute("open", "")
    expect(page.locator("#transcript li.turn").first).to_contain_text("Thiếu thông tin")
    page.fill("#tags", "thiếu lệ phí, cần cập nhật")
    page.fill("#note", "Bổ sung lệ phí đăng ký giám hộ.")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#review-status")).to_have_text("Đã lưu.")
    page.reload()
    expect(page.locator("#tags")).to_have_value("thiếu lệ phí, cần cập nhật")
    expect(page.locator("#note")).to_have_value("Bổ sung lệ phí đăng ký giám hộ.")
    page.goto(f"{site}/dashboard/conversations?{SPAN}&tag=cần cập nhật")
    expect(page.locator("#conversations tbody tr")).to_have_count(1)


def test_the_unanswered_inbox(site: str, page: Page) -> None:
    page.goto(f"{site}/dashboard/login?next=%2Fdashboard%2Funanswered%3F{QUOTED_SPAN}")
    sign_in(page, "canbo")
    expect(page.locator("#groups > li")).to_have_count(4)
    expect(page.locator("#questions")).to_contain_text("4 câu hỏi")
    fee = page.locator("#groups > li[data-kind=missing_fact]")
    expect(fee.locator(".title")).to_have_text("Chưa có phí, lệ phí: Đăng ký giám hộ")
    fee.get_by_role("link", name="Hội thoại 1").click()
    expect(page.locator("h1")).to_contain_text("Hội thoại #")


def test_an_unanswered_question_becomes_knowledge_in_one_action(site: str, page: Page) -> None:
    question = "nuôi ong mật"
    before = httpx.get(f"{site}/api/procedures/search", params={"q": question}).json()
    assert not before["matched"]
    page.goto(f"{site}/dashboard/login?next=%2Fdashboard%2Funanswered%3F{QUOTED_SPAN}")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, "canbo")
    expect(page.locator("#groups > li")).to_have_count(4)
    assert errors == []
    group = page.locator("#groups > li", has=page.locator(".title", has_text=question))
    form = group.locator("form.teach")
    procedure = form.get_by_role("combobox", name="Thủ tục", exact=True)
    procedure.fill("khuyết tật")
    form.locator("datalist option").first.wait_for(state="attached")
    procedure.fill("1.001699 · Xác định mức độ khuyết tật")
    form.get_by_role("button", name="Gắn câu hỏi vào thủ tục").click()
    expect(form.locator(".teach-result")).to_contain_text(
        "Đã thêm vào “Xác định mức độ khuyết tật”"
    )
    after = httpx.get(f"{site}/api/procedures/search", params={"q": question}).json()
    assert after["items"][0]["name"] == "Xác định mức độ khuyết tật"


@pytest.mark.parametrize(
    "target",
    ["/%5Cevil.example/phish", "//evil.example/phish", "https://evil.example/", "/\\evil.example"],
)
def test_sign_in_never_redirects_to_another_site(site: str, page: Page, target: str) -> None:
    page.goto(f"{site}/dashboard/login?next={target}")
    sign_in(page, "canbo")
    page.wait_for_url(f"{site}/dashboard")
    assert page.url.startswith(site + "/")


def test_signing_out_and_roles(site: str, page: Page) -> None:
    page.goto(f"{site}/dashboard/login")
    sign_in(page, "canbo")
    expect(page.locator("[data-kpi=messages]")).to_be_visible()
    page.locator("#logout").click()
    expect(page).to_have_url(f"{site}/dashboard/login")
    page.goto(f"{site}/dashboard")
    expect(page.locator("#login-form")).to_be_visible()
    sign_in(page, "bientap")  # back to /dashboard, which an editor may not see
    expect(page.locator("h1")).to_have_text("Không có quyền truy cập")
    # only the knowledge base: its procedures and the communes' offices
    expect(page.locator("#nav a")).to_have_text(["Thủ tục", "Xã, phường"])


def test_officials_work_the_hand_off_queue(site: str, page: Page) -> None:
    page.goto(f"{site}/dashboard/handoffs")
    sign_in(page, "canbo")
    expect(page.get_by_role("heading", name="Yêu cầu gặp cán bộ")).to_be_visible()
    card = page.locator("#handoff-list > li").first
    # not taken: the contact masked until the official takes the case, in one press
    expect(card.locator("[data-contact]")).to_have_text("09•• ••• •78 (nhận xử lý để xem đầy đủ)")
    expect(card).to_contain_text("<script>alert(1)</script>")  # shown as text, never run
    card.get_by_role("button", name="Nhận xử lý").click()
    expect(card.locator("[data-contact]")).to_have_text("0912 345 678")
    expect(card.locator("h2")).to_contain_text("Đang xử lý")
    expect(card.locator("input[name=assignee]")).to_have_value("canbo")
    expect(card.get_by_role("button", name="Nhận xử lý")).to_have_count(0)
    card.locator("textarea[name=note]").fill("Đã gọi lại, hẹn thứ hai")
    card.get_by_role("button", name="Lưu").click()
    expect(card.locator("[role=status]")).to_have_text("Đã lưu: Đang xử lý")
    page.goto(f"{site}/dashboard/handoffs?status=dang_xu_ly")
    expect(page.locator("#handoff-list > li")).to_have_count(1)
    expect(page.locator("#handoff-list textarea[name=note]")).to_have_value(
        "Đã gọi lại, hẹn thứ hai"
    )
    page.goto(f"{site}/dashboard/handoffs?status=da_xong")
    expect(page.locator("#handoffs")).to_contain_text("Chưa có yêu cầu nào.")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: the card still fits
    page.goto(f"{site}/dashboard/handoffs")
    box = page.locator("#handoff-list > li").first.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390


def test_an_editor_cannot_see_the_hand_offs(site: str, page: Page) -> None:
    page.goto(f"{site}/dashboard/handoffs")
    sign_in(page, "bientap")
    expect(page.locator("#handoff-list")).to_have_count(0)
    assert "0912 345 678" not in page.content()


def test_the_conversation_list_is_usable_on_a_phone(site: str, browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = context.new_page()
    try:
        page.goto(f"{site}/dashboard/login?next=%2Fdashboard%2Fconversations%3F{QUOTED_SPAN}")
        sign_in(page, "canbo")
        expect(page.locator("#conversations tbody tr").first).to_be_visible()
        page_width = page.evaluate("document.documentElement.scrollWidth")
        assert page_width <= 390  # the page itself never scrolls sideways
        inner = page.locator(".table-scroll").evaluate("e => e.scrollWidth > e.clientWidth")
        assert inner  # the table scrolls inside its box
    finally:
        context.close()


def test_a_missing_fact_of_a_procedure_without_a_code_updates_it(site: str, page: Page) -> None:
    """No duplicate from the inbox: a procedure known by its local key is updated, not
    created again."""
    span = f"from={EARLIER_DAY.isoformat()}&to={EARLIER_DAY.isoformat()}"
    page.goto(
        f"{site}/dashboard/login?next="
        + f"/dashboard/unanswered?{span}".replace("/", "%2F")
        .replace("?", "%3F")
        .replace("=", "%3D")
        .replace("&", "%26")
    )
    sign_in(page, "quantri")
    group = page.locator("#groups > li[data-kind=missing_fact]")
    expect(group).to_have_count(1)
    link = group.get_by_role("link", name="Cập nhật thủ tục")
    expect(link).to_have_attribute("href", f"/admin/procedures/{WITHOUT_CODE}")
    expect(group.get_by_role("link", name="Tạo thủ tục mới")).to_have_count(0)


def test_questions_by_commune_are_shown_without_map_tiles(site: str, page: Page) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{site}/dashboard/login")
    sign_in(page, "canbo")
    page.locator("[data-kpi=messages]").wait_for()
    page.goto(f"{site}/dashboard?from={PLACED_DAY}&to={PLACED_DAY}")
    expect(page.locator("[data-places=summary]")).to_contain_text("3 lượt hỏi có nêu xã/phường")
    expect(page.locator("#chart-places li")).to_have_count(2)
    expect(page.locator("#chart-places li").first).to_contain_text("Phường Tam Thanh")
    expect(page.locator("#chart-places-grid circle")).to_have_count(65)
    expect(page.locator("#chart-places-grid circle.asked")).to_have_count(2)
    page.locator("#places summary").click()
    row = page.locator(f'#places-table tr[data-code="{TAM_THANH}"]')
    expect(row).to_contain_text("Phường Tam Thanh")
    expect(row.locator("td").nth(1)).to_have_text("2")
    expect(row.locator("td").nth(2)).to_have_text("1")
    assert all(url.startswith(site) for url in requests)  # no tiles, nothing from elsewhere
    page.locator("#places").screenshot(path=os.environ.get("TMPDIR", "/tmp") + "/places.png")
    body = httpx.get(
        f"{site}/api/analytics/places",
        params={"from": str(PLACED_DAY), "to": str(PLACED_DAY), "channel": "telegram"},
        headers={"Authorization": f"Bearer {signed_in(site, 'canbo')}"},
    ).json()
    assert [(i["title"], i["questions"]) for i in body["items"] if i["questions"]] == [
        ("Xã Na Sầm", 1)
    ]
    assert httpx.get(f"{site}/api/analytics/places").status_code == 401


def signed_in(site: str, username: str) -> str:
    response = httpx.post(
        f"{site}/api/auth/token", data={"username": username, "password": PASSWORD}
    )
    return str(response.json()["access_token"])
