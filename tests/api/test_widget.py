"""The web chat widget in headless Chromium (Debian's package, driven by Playwright)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route, expect
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from tests.support.assistant import Assistant, free_port, serve_api
from trolyao.handoffs import Handoff, update_case


@pytest.fixture(scope="module")
def api_url(assistant: Assistant, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    with serve_api(
        assistant.database_url,
        tmp_path_factory.mktemp("api"),
        port=port,
        RASA_URL=assistant.rasa_url,
        CORS_ORIGINS=f'["http://127.0.0.1:{port}"]',
    ) as url:
        yield url


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    yield page
    context.close()


def open_widget(page: Page, url: str) -> None:
    page.goto(url + "/")
    page.get_by_role("button", name="Mở trợ lý ảo thủ tục hành chính").click()


def send(page: Page, text: str) -> None:
    page.get_by_label("Câu hỏi của bạn").fill(text)
    page.get_by_label("Câu hỏi của bạn").press("Enter")


def test_ask_click_a_quick_reply_and_keep_history_across_reloads(page: Page, api_url: str) -> None:
    open_widget(page, api_url)
    assert page.get_by_label("Câu hỏi của bạn").evaluate("e => e === e.getRootNode().activeElement")
    send(page, "thu tuc lam ho chieu")
    page.locator(".msg.bot", has_text="Cấp hộ chiếu phổ thông trong nước").wait_for()
    page.get_by_role("button", name="Lệ phí").click()
    page.locator(".msg.bot", has_text="Nộp trực tiếp: 200.000 đồng").wait_for()
    link = page.locator(".msg.bot a[href^='https://dichvucong.gov.vn']").first
    assert link.get_attribute("rel") == "noopener noreferrer nofollow"
    page.reload()
    page.locator(".msg.user", has_text="thu tuc lam ho chieu").wait_for()
    page.locator(".msg.bot", has_text="Nộp trực tiếp: 200.000 đồng").wait_for()
    assert page.get_by_role("dialog").is_visible()
    page.screenshot(path=str(Path(os.environ.get("TMPDIR", "/tmp")) / "widget-chat.png"))


def test_usable_at_360_px_with_keyboard_and_screen_reader_roles(page: Page, api_url: str) -> None:
    open_widget(page, api_url)
    box = page.get_by_role("dialog").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert page.get_by_role("log").get_attribute("aria-live") == "polite"
    assert "xóa dữ liệu của tôi" in page.locator(".privacy").inner_text()
    page.keyboard.press("Escape")
    launcher = page.get_by_role("button", name="Mở trợ lý ảo thủ tục hành chính")
    assert launcher.is_visible()
    assert launcher.get_attribute("aria-expanded") == "false"
    assert launcher.evaluate("e => e === e.getRootNode().activeElement")
    page.screenshot(path=str(Path(os.environ.get("TMPDIR", "/tmp")) / "widget-360.png"))


def test_the_demo_page_loads_nothing_from_elsewhere(page: Page, api_url: str) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    response = page.goto(api_url + "/")
    assert (
        response is not None and "script-src 'self'" in response.headers["content-security-policy"]
    )
    page.get_by_role("button", name="Mở trợ lý ảo thủ tục hành chính").wait_for()
    assert requests and all(r.startswith(api_url) for r in requests)


XSS = [
    "<script>__xss(1)</script>",
    "<img src=x onerror=__xss(2)>",
    "<svg onload=__xss(3)>",
    "javascript:__xss(4)",
    '"><script>__xss(5)</script>',
    '<iframe src="javascript:__xss(6)"></iframe>',
    '<a href="javascript:__xss(7)">bấm</a>',
    "[bấm](javascript:__xss(8))",
    "data:text/html,<script>__xss(9)</script>",
    "<body onload=__xss(10)>",
    "<details open ontoggle=__xss(11)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=__xss(12)>",
    "{{constructor.constructor('__xss(13)')()}}",
    "<input autofocus onfocus=__xss(14)>",
    "<video><source onerror=__xss(15)></video>",
    "<object data=javascript:__xss(16)>",
    "<embed src=javascript:__xss(17)>",
    "' onmouseover='__xss(18)",
    "<marquee onstart=__xss(19)>x</marquee>",
    'http://x" onmouseover="__xss(20)',
    "https://example.com/<img src=x onerror=__xss(21)>",
    "tel:+84<script>__xss(22)</script>",
    "vbscript:msgbox(23)",
    "&#60;script&#62;__xss(24)&#60;/script&#62;",
    "<scr<script>ipt>__xss(25)</scr</script>ipt>",
    "%3Cscript%3E__xss(26)%3C/script%3E",
    '<a href="&#106;avascript:__xss(27)">x</a>',
    '<svg><a xlink:href="javascript:__xss(28)"><text>x</text></a></svg>',
    "<form action=javascript:__xss(29)><button>x</button></form>",
    '<meta http-equiv="refresh" content="0;url=javascript:__xss(30)">',
    '<base href="javascript:__xss(31)//">',
    "<style>@import 'javascript:__xss(32)';</style>",
    "<img src=\"x\" onerror=\"window['__x'+'ss'](33)\">",
    "\u202e<script>__xss(34)</script>",
]


def test_xss_payloads_never_execute(page: Page, api_url: str) -> None:
    fired: list[Any] = []
    page.expose_function("__xss", lambda n=None: fired.append(n))
    page.on("dialog", lambda d: (fired.append(d.message), d.dismiss()))

    def echo(route: Route) -> None:
        text = json.loads(route.request.post_data or "{}").get("text", "")
        body = {
            "messages": [
                {"text": f"Bạn hỏi: {text}", "buttons": [{"title": text[:60], "payload": "/help"}]}
            ]
        }
        route.fulfill(status=200, content_type="application/json", body=json.dumps(body))

    page.route("**/api/chat/messages", echo)
    open_widget(page, api_url)
    for payload in XSS:
        send(page, payload)
        page.locator(".msg.bot").last.filter(has_text="Bạn hỏi:").wait_for()
    page.locator(".quick button").first.hover()
    page.wait_for_timeout(300)
    assert fired == []
    hrefs = page.locator(".msg a").evaluate_all("els => els.map(e => e.href)")
    assert all(h.startswith(("http://", "https://", "tel:")) for h in hrefs)
    inner = page.locator("#trolyao-widget").evaluate("h => h.shadowRoot.innerHTML")
    for tag in ("<script", "<img", "<svg", "<iframe", "<object", "<embed", "<details", "<meta"):
        assert tag not in inner.lower()
    assert len(XSS) >= 30


def test_api_docs_render_the_openapi_31_document(page: Page, api_url: str) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    outside: list[str] = []
    page.on(
        "request",
        lambda request: None if request.url.startswith(api_url) else outside.append(request.url),
    )
    page.goto(api_url + "/docs")
    page.locator(".opblock-summary-path", has_text="/api/procedures/search").first.wait_for()
    assert page.locator("text=Unable to render this definition").count() == 0
    assert page.locator(".opblock").count() > 10
    assert errors == []
    assert outside == []


def test_a_busy_engine_is_retried_once_with_the_same_message_id(page: Page, api_url: str) -> None:
    bodies: list[dict[str, str]] = []

    def first_busy(route: Route) -> None:
        body = json.loads(route.request.post_data or "{}")
        bodies.append(body)
        if len(bodies) == 1:  # the engine gave up once: the widget tries again, same id
            route.fulfill(status=503, json={"messages": [], "code": "engine_unavailable"})
        else:
            route.continue_()

    page.route("**/api/chat/messages", first_busy)
    open_widget(page, api_url)
    send(page, "le phi dang ky tam tru")
    page.locator(".msg.bot", has_text="Đăng ký tạm trú").wait_for()
    assert len(bodies) == 2
    assert bodies[0]["message_id"] == bodies[1]["message_id"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", bodies[0]["message_id"])


def test_pages_load_without_console_errors_or_missing_files(page: Page, api_url: str) -> None:
    errors: list[str] = []
    missing: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    open_widget(page, api_url)
    send(page, "lam ho chieu")
    page.locator(".msg.bot", has_text="hộ chiếu").first.wait_for()
    page.goto(api_url + "/dashboard/login")
    page.locator("#username").wait_for()
    assert errors == [] and missing == []
    icon = page.request.get(api_url + "/favicon.ico")
    assert icon.status == 200 and icon.headers["content-type"].startswith("image/svg+xml")


def test_deleting_my_data_clears_the_conversation_on_this_device(page: Page, api_url: str) -> None:
    open_widget(page, api_url)
    send(page, "le phi lam ho chieu")
    page.locator(".msg.bot", has_text="hộ chiếu").first.wait_for()
    session_before = page.evaluate("JSON.parse(localStorage.getItem('trolyao.chat.v1')).session_id")
    send(page, "xóa dữ liệu của tôi")
    page.locator(".msg.bot", has_text="xóa").first.wait_for()
    send(page, "có")
    page.locator(".msg.bot", has_text="sẽ được xóa").first.wait_for()
    expect(page.locator(".msg.user")).to_have_count(0)
    assert "hộ chiếu" not in page.locator(".log").inner_text()
    stored = page.evaluate("localStorage.getItem('trolyao.chat.v1')") or ""
    assert "hộ chiếu" not in stored and "xóa dữ liệu" not in stored
    assert session_before not in stored  # a new id: the deleted conversation is not resumed
    page.reload()
    expect(page.locator(".msg.user")).to_have_count(0)


def test_feedback_is_its_own_group_and_the_newest_message_stays_in_view(
    browser: Browser, api_url: str
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = context.new_page()
    try:
        open_widget(page, api_url)
        send(page, "có những thủ tục nào")  # an answer with many topic buttons
        page.locator(".quick button").first.wait_for()
        send(page, "le phi lam ho chieu")
        page.locator(".feedback button").first.wait_for()
        assert page.locator(".feedback").inner_text().startswith("Câu trả lời có hữu ích?")
        # asked once: by the bar, not also as a bubble of the log
        assert "hữu ích với bạn không" not in page.locator(".log").inner_text()
        assert page.locator(".quick button", has_text="Hữu ích").count() == 0
        newest = page.locator(".msg.bot").last
        log_box = page.locator(".log").bounding_box()
        box = newest.bounding_box()
        assert log_box is not None and box is not None
        assert box["y"] + box["height"] <= log_box["y"] + log_box["height"] + 1  # in view
        page.reload()  # the panel was open: it opens again, at the newest message
        page.locator(".msg").last.wait_for()
        last = page.locator(".msg").last.bounding_box()
        log_box = page.locator(".log").bounding_box()
        assert last is not None and log_box is not None
        assert last["y"] < log_box["y"] + log_box["height"]  # the newest, not the oldest
        # Tab never leaves the open panel
        page.get_by_label("Câu hỏi của bạn").focus()
        for _ in range(30):
            page.keyboard.press("Tab")
            inside = page.evaluate(
                "() => { const h = document.getElementById('trolyao-widget');"
                " return document.activeElement === h && h.shadowRoot.activeElement !== null"
                " && h.shadowRoot.querySelector('.panel').contains(h.shadowRoot.activeElement); }"
            )
            assert inside
    finally:
        context.close()


def test_a_closed_hand_off_is_said_on_the_next_visit(
    page: Page, api_url: str, assistant: Assistant
) -> None:
    open_widget(page, api_url)
    send(page, "cho tôi nói chuyện với cán bộ")
    page.get_by_role("button", name="Có", exact=True).click()
    page.locator(".msg.bot", has_text="kèm vài dòng").wait_for()
    send(page, "số em 0912 345 678, em cần hỏi về làm hộ chiếu cho con")
    page.locator(".msg.bot", has_text="cách liên hệ của bạn").wait_for()
    stored = page.evaluate("localStorage.getItem('trolyao.chat.v1')") or ""
    assert "345 678" not in stored and "[SĐT]" in stored  # the device never keeps a contact
    session_id = page.evaluate("JSON.parse(localStorage.getItem('trolyao.chat.v1')).session_id")
    assert re.fullmatch(r"[0-9a-f]{32}", session_id)  # from crypto.getRandomValues
    engine = create_engine(assistant.database_url)
    try:
        with Session(engine) as session, session.begin():
            case = session.scalars(
                select(Handoff).where(Handoff.sender_id == f"web-{session_id}")
            ).one()
            assert case.contact == "0912 345 678"
            update_case(session, case, {"status": "da_xong", "note": "Đã gọi lại"})
            case_id = case.id
        page.reload()
        notice = page.locator(".msg.bot", has_text="đã được cán bộ xử lý xong")
        expect(notice).to_have_count(1)
        page.reload()  # said once: the second visit shows it from the history only
        page.locator(".msg.user").first.wait_for()
        page.wait_for_timeout(500)
        expect(notice).to_have_count(1)
        with Session(engine) as session:
            assert session.get(Handoff, case_id).notified_at is not None  # type: ignore[union-attr]
    finally:
        engine.dispose()


# Where a text is drawn, which element is on top there: the text is seen only if it is
# its own element (not a quick reply or the feedback bar over it) and inside the log's view.
SEEN = """([selector, needle]) => {
  const root = document.getElementById('trolyao-widget').shadowRoot;
  const nodes = [...root.querySelectorAll(selector)].filter((n) => n.textContent.includes(needle));
  const node = nodes[nodes.length - 1];
  if (!node) return 'missing';
  const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
  let text;
  while ((text = walker.nextNode()) && !text.data.includes(needle)) {}
  if (!text) return 'missing';
  const range = document.createRange();
  const start = text.data.indexOf(needle);
  range.setStart(text, start);
  range.setEnd(text, start + needle.length);
  const r = range.getBoundingClientRect();
  const log = root.querySelector('.log').getBoundingClientRect();
  const away = r.top < log.top - 1 || r.bottom > log.bottom + 1;
  if (selector.includes('.msg') && away) return 'scrolled away';
  const middle = r.top + r.height / 2;
  for (const [x, y] of [[r.left + 2, middle], [r.right - 2, middle]]) {
    const top = root.elementFromPoint(x, y);
    if (!top || !node.contains(top)) return 'covered by ' + (top && top.className);
  }
  return 'seen';
}"""


@pytest.mark.parametrize("size", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_after_an_answer_with_seven_buttons_the_source_and_the_question_are_seen(
    browser: Browser, api_url: str, size: tuple[int, int]
) -> None:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    try:
        open_widget(page, api_url)
        send(page, "muốn hỏi về thủ tục cấp hộ chiếu")
        page.locator(".feedback button").first.wait_for()
        buttons = page.locator(".quick button, .feedback button")
        expect(buttons).to_have_count(7)
        shots = Path(os.environ.get("TMPDIR", "/tmp"))
        page.screenshot(path=str(shots / f"widget-7-{size[0]}.png"))
        assert page.evaluate(SEEN, [".msg.bot", "Nguồn"]) == "seen"
        assert page.evaluate(SEEN, [".feedback", "Câu trả lời có hữu ích?"]) == "seen"
    finally:
        context.close()
