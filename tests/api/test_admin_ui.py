"""The knowledge-base administration pages in headless Chromium: search, edit nested
fields, preview the bot's answer, save a draft, publish, history, diff, rollback,
conflicts, import, users and the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.staff import PASSWORD, staff_site
from trolyao.kb.seed import load_seed_records

HOSTILE = '<img src=x onerror="document.title=1">'


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with staff_site(tmp_path_factory.mktemp("admin-ui")) as base:
        yield base


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []  # no script error on any page


def sign_in(page: Page, site: str, username: str, target: str) -> None:
    page.goto(f"{site}{target}")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(f"{site}{target}")


CODE = "1.000881"
NAME = "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch"


def public_fees(site: str, code: str) -> list[str]:
    record = httpx.get(f"{site}/api/procedures/{code}").json()
    return [f["nguyen_van"] for c in record["cach_thuc_thuc_hien"] for f in c["phi_le_phi"]]


def test_edit_preview_draft_publish_diff_and_rollback(site: str, page: Page) -> None:
    sign_in(page, site, "bientap", "/admin/procedures")
    expect(page.locator("#kb-total")).to_have_attribute("data-total", str(len(load_seed_records())))
    page.fill("#kb-q", "1.000881")  # not in the national-portal file: no fee yet
    page.get_by_role("button", name="Tìm").click()
    expect(page.locator("#kb-table tbody tr")).to_have_count(1)
    page.get_by_role("link", name=NAME).click()
    expect(page.locator("#kb-title")).to_have_text(NAME)

    # a choice list, then nested fields: a channel, its time and its fee
    page.check('[name="cap_thuc_hien.xa"]')
    page.fill('[name="ten_ngan"]', "Cải chính hộ tịch")
    page.check('[name="su_kien.tu_phap_toa_an"]')
    page.locator('[data-add="cach_thuc_thuc_hien"]').click()
    page.select_option('[name="cach_thuc_thuc_hien.0.hinh_thuc"]', "truc_tiep")
    page.fill('[name="cach_thuc_thuc_hien.0.thoi_han.gia_tri"]', "3")
    page.select_option('[name="cach_thuc_thuc_hien.0.thoi_han.don_vi"]', "ngay_lam_viec")
    page.locator('[data-add="cach_thuc_thuc_hien.0.phi_le_phi"]').click()
    page.fill('[name="cach_thuc_thuc_hien.0.phi_le_phi.0.so_tien_vnd"]', "20000")
    page.fill('[name="cach_thuc_thuc_hien.0.phi_le_phi.0.nguyen_van"]', "Lệ phí 20.000 đồng")

    page.select_option("#preview-attribute", "fee")
    page.locator("#preview").click()
    expect(page.locator("#preview-text")).to_contain_text("Lệ phí 20.000 đồng")
    assert public_fees(site, CODE) == []  # a preview saves nothing

    page.locator("#save-draft").click()
    expect(page.locator("#save-status")).to_contain_text("Đã lưu bản nháp (phiên bản 2)")
    assert public_fees(site, CODE) == []  # a draft is not live
    page.locator("#publish").click()
    expect(page.locator("#save-status")).to_contain_text("Đã công bố phiên bản 3")
    assert public_fees(site, CODE) == ["Lệ phí 20.000 đồng"]
    published = httpx.get(f"{site}/api/procedures/{CODE}").json()
    assert published["cap_thuc_hien"] == ["xa"]
    assert published["ten_ngan"] == "Cải chính hộ tịch"
    assert "tu_phap_toa_an" in published["su_kien"]

    # a bad value is named on its field and nothing is saved
    page.fill('[name="cach_thuc_thuc_hien.0.phi_le_phi.0.so_tien_vnd"]', "-5")
    page.locator("#publish").click()
    bad = page.locator(
        '.field.invalid[data-field="cach_thuc_thuc_hien.0.phi_le_phi.0.so_tien_vnd"]'
    )
    expect(bad).to_contain_text("Phải lớn hơn hoặc bằng 0")
    assert public_fees(site, CODE) == ["Lệ phí 20.000 đồng"]

    # history, diff, rollback
    expect(page.locator("#versions > li")).to_have_count(3)
    first = page.locator('#versions > li[data-version="1"]')
    first.locator(".diff-button").click()
    expect(page.locator("#diff-table")).to_contain_text(  # the editor's labels, not paths
        "Cách thức thực hiện › cách nộp 1 › Phí, lệ phí › khoản phí 1 › Nội dung (nguyên văn)"
    )
    first.locator(".rollback-button").click()
    expect(page.locator("#save-status")).to_contain_text("Đã khôi phục phiên bản 1")
    assert public_fees(site, CODE) == []
    expect(page.locator("#versions > li")).to_have_count(4)


def test_two_editors_are_told_of_a_conflict(site: str, page: Page, browser: Browser) -> None:
    sign_in(page, site, "bientap", "/admin/procedures/1.001193")
    other = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    sign_in(other, site, "quantri", "/admin/procedures/1.001193")
    other.fill("#change-note", "sửa trước")
    other.locator("#publish").click()
    expect(other.locator("#save-status")).to_contain_text("Đã công bố")
    page.fill('[name="yeu_cau_dieu_kien"]', "Điều kiện mới")
    page.locator("#publish").click()
    expect(page.locator("#save-status")).to_contain_text("quantri")
    expect(page.locator("#reload")).to_be_visible()
    other.context.close()


def test_create_from_the_unanswered_inbox_and_show_hostile_text_as_text(
    site: str, page: Page
) -> None:
    sign_in(page, site, "bientap", "/admin/procedures/new?name=" + quote("Cấp phép nuôi ong"))
    expect(page.locator('[name="ten_thu_tuc"]')).to_have_value("Cấp phép nuôi ong")
    page.fill('[name="linh_vuc"]', HOSTILE)
    page.fill('[name="ma_thu_tuc"]', "1.099777")
    page.locator("#save-draft").click()
    expect(page).to_have_url(f"{site}/admin/procedures/1.099777?saved=1")
    expect(page.locator("#kb-meta")).to_contain_text("Bản nháp")
    page.goto(f"{site}/admin/procedures?status=draft")
    expect(page.locator("#kb-table tbody tr")).to_have_count(1)
    expect(page.locator("#kb-table tbody tr td").nth(2)).to_have_text(HOSTILE)
    assert page.locator("#kb-table img").count() == 0 and page.title() != "1"
    assert httpx.get(f"{site}/api/procedures/1.099777").status_code == 404


def test_import_dry_run_lists_errors(site: str, page: Page, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "\ufeffMã thủ tục,Tên thủ tục,Lĩnh vực\n1.098001,Đúng,Thử\n1.09,Mã sai,Thử\n,,Thử\n",
        "utf-8",
    )
    sign_in(page, site, "bientap", "/admin/procedures")
    page.set_input_files("#import-file", str(bad))
    page.get_by_role("button", name="Nhập", exact=True).click()
    expect(page.locator("#import-result")).to_contain_text("3 dòng")
    expect(page.locator("#import-errors tbody tr")).to_have_count(2)
    expect(page.locator("#import-errors")).to_contain_text("Mã thủ tục")


def test_users_and_audit_for_admins_only(site: str, page: Page) -> None:
    sign_in(page, site, "quantri", "/admin/users")
    page.fill('#user-form [name="username"]', "canbo2")
    page.select_option('#user-form [name="role"]', "official")
    page.fill('#user-form [name="password"]', PASSWORD)
    page.get_by_role("button", name="Tạo tài khoản").click()
    expect(page.locator('#users-table tr[data-user="canbo2"]')).to_be_visible()
    page.goto(f"{site}/admin/audit")
    expect(page.locator("#audit-table")).to_contain_text("Tạo tài khoản")
    page.locator("#logout").click()
    expect(page).to_have_url(f"{site}/dashboard/login")
    sign_in(page, site, "bientap", "/admin/users")
    expect(page.locator("h1")).to_have_text("Không có quyền truy cập")


def test_admins_keep_the_help_desk_details(site: str, page: Page) -> None:
    sign_in(page, site, "quantri", "/admin/help-desk")
    expect(page.get_by_role("heading", name="Thông tin liên hệ của bộ phận hỗ trợ")).to_be_visible()
    page.fill('#help-desk [name="phone"]', "0205 3 812 345")
    page.fill('#help-desk [name="hours"]', "Thứ hai đến thứ sáu, 7h30–17h")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("#help-desk-status")).to_contain_text("Đã lưu")
    page.reload()
    expect(page.locator('#help-desk [name="phone"]')).to_have_value("0205 3 812 345")
    assert httpx.get(f"{site}/api/admin/help-desk").status_code == 401  # staff only


def test_withdrawing_asks_first_and_each_action_shows_only_when_it_applies(
    site: str, page: Page
) -> None:
    sign_in(page, site, "bientap", "/admin/procedures/1.004873")
    expect(page.locator("#retire")).to_be_visible()
    expect(page.locator("#restore")).to_be_hidden()  # a live procedure is not "re-applied"
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator("#retire").click()
    expect(page.locator("#kb-meta")).to_contain_text("Đang áp dụng")  # said no: nothing done
    assert httpx.get(f"{site}/api/procedures/1.004873").status_code == 200
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#retire").click()
    expect(page.locator("#kb-meta")).to_contain_text("Ngừng áp dụng")
    expect(page.locator("#restore")).to_be_visible()
    expect(page.locator("#retire")).to_be_hidden()
    assert httpx.get(f"{site}/api/procedures/1.004873").status_code == 404
    page.locator("#restore").click()
    expect(page.locator("#kb-meta")).to_contain_text("Đang áp dụng")
    assert httpx.get(f"{site}/api/procedures/1.004873").status_code == 200


def test_leaving_with_unsaved_edits_asks_first(site: str, page: Page) -> None:
    sign_in(page, site, "bientap", "/admin/procedures/1.004873")
    page.locator('[name="yeu_cau_dieu_kien"]').fill("Điều kiện mới chưa lưu")
    asked: list[str] = []

    def on_dialog(dialog: Any) -> None:
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", on_dialog)
    page.evaluate("() => { location.href = '/admin/procedures'; }")
    page.wait_for_timeout(1000)
    assert asked == ["beforeunload"]
    expect(page.locator('[name="yeu_cau_dieu_kien"]')).to_have_value("Điều kiện mới chưa lưu")


def test_the_preview_looks_like_the_chat_bubble(site: str, page: Page) -> None:
    sign_in(page, site, "bientap", "/admin/procedures/1.004873")
    page.select_option("#preview-attribute", "fee")
    page.locator("#preview").click()
    expect(page.locator("#preview-text")).not_to_have_text("…")
    font = page.locator("#preview-text").evaluate("e => getComputedStyle(e).fontFamily")
    assert "monospace" not in font
    assert page.locator(".toolbar").evaluate("e => getComputedStyle(e).position") == "sticky"


def test_a_record_without_a_source_link_is_flagged(site: str, page: Page) -> None:
    land = "dang-ky-dat-dai-va-cap-giay-chung-nhan-quyen-su-dung-dat-lan-dau"
    sign_in(page, site, "bientap", f"/admin/procedures/{land}")
    expect(page.locator("#source-missing")).to_contain_text("Chưa có đường dẫn nguồn")
    page.goto(f"{site}/admin/procedures/1.004873")
    expect(page.locator("#kb-title")).not_to_have_text("")
    expect(page.locator("#source-missing")).to_have_count(0)
    note = httpx.get(f"{site}/api/procedures/1.004873").json()["nguon"]["ghi_chu"]
    assert "Cổng Dịch vụ công" in note  # source notes in Vietnamese


SIZES = pytest.mark.parametrize("size", [(1280, 800), (390, 844)], ids=["desktop", "phone"])


def sized_page(browser: Browser, size: tuple[int, int]) -> tuple[Any, Page]:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="vi-VN")
    return context, context.new_page()


@SIZES
def test_each_level_box_sits_beside_its_own_label(
    site: str, browser: Browser, size: tuple[int, int]
) -> None:
    context, page = sized_page(browser, size)
    try:
        sign_in(page, site, "bientap", "/admin/procedures/1.004873")
        labels = page.locator('[data-field="cap_thuc_hien"] label.check')
        expect(labels).to_have_count(5)
        for i in range(5):
            label = labels.nth(i)
            box = label.locator("input").bounding_box()
            whole = label.bounding_box()
            assert box is not None and whole is not None
            assert box["width"] < 30  # a box, not a full-width input between two labels
            assert abs(box["x"] - whole["x"]) < 2  # at the start of its own label
            assert whole["y"] <= box["y"]
            assert box["y"] + box["height"] <= whole["y"] + whole["height"] + 1
        label = labels.filter(has_text="Trung ương")
        expect(label.locator("input")).not_to_be_checked()
        label.click()  # a click on the word ticks its own box
        expect(label.locator("input")).to_be_checked()
    finally:
        context.close()


@SIZES
def test_the_audit_log_reads_as_a_diff(site: str, browser: Browser, size: tuple[int, int]) -> None:
    context, page = sized_page(browser, size)
    try:
        sign_in(page, site, "bientap", "/admin/procedures/1.003583")
        requirement = f"Điều kiện kiểm thử {size[0]}"
        page.locator('[name="yeu_cau_dieu_kien"]').fill(requirement)
        page.locator("#save-draft").click()
        expect(page.locator("#save-status")).to_contain_text("Đã lưu bản nháp")
        page.locator("#logout").click()
        expect(page).to_have_url(f"{site}/dashboard/login")
        sign_in(page, site, "quantri", "/admin/audit")
        row = page.locator("#audit-table tbody tr", has_text=requirement).first
        expect(row).to_contain_text("Lưu nháp")
        expect(row).to_contain_text("Yêu cầu, điều kiện:")
        expect(row.locator("ins")).to_contain_text(requirement)
        assert "{" not in row.inner_text()  # no raw JSON
        assert "yeu_cau_dieu_kien" not in row.inner_text()
        page_width = page.evaluate("document.documentElement.scrollWidth")
        assert page_width <= size[0]  # the table scrolls inside itself on a phone
    finally:
        context.close()
