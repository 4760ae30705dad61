"""axe-core (npm registry, installed by `make test` under .tools/, injected locally, never
fetched at run time) over the widget, the dashboard, the hand-off queue and the editor:
no serious or critical violation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.test_dashboard import SPAN, sign_in, site  # noqa: F401  (the dashboard's site)
from trolyao.settings import PROJECT_ROOT

AXE = PROJECT_ROOT / ".tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"


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


def test_staff_pages_have_no_serious_violation(site: str, page: Page) -> None:  # noqa: F811
    page.goto(f"{site}/dashboard?{SPAN}")
    sign_in(page, "quantri")
    page.locator("[data-kpi=messages]").wait_for()
    assert serious(page) == []
    for path, ready in (
        (f"/dashboard/conversations?{SPAN}", "#conversations"),
        (f"/dashboard/unanswered?{SPAN}", "#groups"),
        ("/dashboard/handoffs", "#handoff-list"),
        ("/admin/procedures/1.004873", "#kb-form"),
        ("/admin/help-desk", "#help-desk"),
    ):
        page.goto(f"{site}{path}")
        page.locator(ready).wait_for()
        assert serious(page) == [], path


def test_the_widget_has_no_serious_violation(site: str, page: Page) -> None:  # noqa: F811
    page.goto(f"{site}/")
    page.get_by_role("button", name="Mở trợ lý ảo thủ tục hành chính").click()
    page.get_by_label("Câu hỏi của bạn").wait_for()
    assert serious(page) == []
