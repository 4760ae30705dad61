"""axe-core (npm registry, installed by `make test` under .tools/, injected locally, never
fetched at run time) over the widget, the dashboard, the hand-off queue and the editor:
no serious or critical violation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.support.staff import PASSWORD, staff_site
from trolyao.handoffs import open_case
from trolyao.settings import PROJECT_ROOT

AXE = PROJECT_ROOT / ".tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    def with_a_case(engine: Engine) -> None:
        with Session(engine) as session, session.begin():
            case = open_case(session, "web-a11y-0001", "web")
            case.stage, case.contact = "done", "0912 345 678"

    with staff_site(tmp_path_factory.mktemp("a11y"), with_a_case) as base:
        yield base


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    assert AXE.exists(), "make test installs axe-core (npm) into .tools/axe"
    # the pages' CSP forbids inline scripts: the scan's script is let in for the test only
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    yield context.new_page()
    context.close()


def serious(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "where": [n["target"] for n in v["nodes"][:3]]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_staff_pages_have_no_serious_violation(site: str, page: Page) -> None:
    page.goto(f"{site}/dashboard")
    page.fill("#username", "quantri")
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.locator("[data-kpi=messages]").wait_for()
    assert serious(page) == []
    for path, ready in (
        ("/dashboard/conversations", "#total"),
        ("/dashboard/unanswered", "#inbox"),
        ("/dashboard/handoffs", "#handoff-list"),
        ("/admin/procedures/1.004873", "#kb-form"),
        ("/admin/help-desk", "#help-desk"),
        ("/admin/audit", "#audit-table"),
        ("/admin/users", "#users-table"),
        ("/admin/places", "#places-filled"),
    ):
        page.goto(f"{site}{path}")
        page.locator(ready).wait_for()
        page.wait_for_load_state("networkidle")
        assert serious(page) == [], path


def test_the_widget_has_no_serious_violation(site: str, page: Page) -> None:
    page.goto(f"{site}/")
    page.get_by_role("button", name="Mở trợ lý ảo thủ tục hành chính").click()
    page.get_by_label("Câu hỏi của bạn").wait_for()
    assert serious(page) == []
