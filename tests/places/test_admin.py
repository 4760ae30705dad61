"""The communes' offices for the knowledge base's keepers: list, edit (roles, audit,
validation), export and import as CSV/XLSX with a dry run (API and CLI), and the page in
Chromium at desktop and phone sizes."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, expect
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.support.databases import migrated_seeded_engine
from tests.support.staff import PASSWORD, bearer, staff_client, staff_site
from trolyao.audit import AuditEntry
from trolyao.places.models import AdminUnit

TAM_THANH = "05986"
TROLYAO = str(Path(sys.executable).parent / "trolyao")


def test_keepers_edit_an_office_and_every_change_is_audited(engine: Engine) -> None:
    with staff_client(engine) as client:
        assert client.get("/api/admin/places").status_code == 401
        assert client.get("/api/admin/places", headers=bearer(client, "canbo")).status_code == 403
        editor = bearer(client, "bientap")
        items = client.get("/api/admin/places", headers=editor).json()["items"]
        assert len(items) == 65
        tam_thanh = next(i for i in items if i["code"] == TAM_THANH)
        assert tam_thanh["title"] == "Phường Tam Thanh" and tam_thanh["phone"] is None
        assert any("Hoàng Đồng" in p for p in tam_thanh["previously"])
        changed = client.patch(
            f"/api/admin/places/{TAM_THANH}",
            json={"phone": "0205 3 870 000", "map_url": "https://maps.example.vn/tam-thanh"},
            headers=editor,
        )
        assert changed.status_code == 200
        assert changed.json()["phone"] == "0205 3 870 000"
        assert changed.json()["updated_by"] == "bientap"
        hostile = {"map_url": "javascript:alert(1)"}
        bad_link = client.patch(f"/api/admin/places/{TAM_THANH}", json=hostile, headers=editor)
        assert bad_link.status_code == 422
        assert client.patch("/api/admin/places/99999", json={}, headers=editor).status_code == 404
        assert client.patch("/api/admin/places/abc", json={}, headers=editor).status_code == 422
        cleared = client.patch(f"/api/admin/places/{TAM_THANH}", json={"phone": ""}, headers=editor)
        assert cleared.json()["phone"] is None  # empty: not known
    with Session(engine) as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "update_place")
        ).all()
        assert [e.detail.get("phone") for e in entries] == [
            {"before": None, "after": "0205 3 870 000"},
            {"before": "0205 3 870 000", "after": None},
        ]


def test_export_then_import_with_a_dry_run(engine: Engine) -> None:
    with staff_client(engine) as client:
        admin = bearer(client, "quantri")
        exported = client.get("/api/admin/places/export?format=csv", headers=admin)
        assert exported.status_code == 200
        rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
        assert len(rows) == 65 and rows[0]["Mã đơn vị"]
        for row in rows:
            if row["Mã đơn vị"] == TAM_THANH:
                row["Điện thoại"] = "0205 3 811 222"
                row["Giờ làm việc"] = "Sáng 7h30–11h30, chiều 13h30–17h"
        rows.append({**rows[0], "Mã đơn vị": "00000"})
        rows.append({**rows[1], "Bản đồ": "ftp://x"})
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
        upload = {"file": ("xa-phuong.csv", buffer.getvalue().encode(), "text/csv")}
        bad = client.post("/api/admin/places/import", files=upload, headers=admin).json()
        assert bad["written"] is False  # nothing written
        assert {(e["row"], e["column"]) for e in bad["errors"]} == {
            (67, "Mã đơn vị"),  # no such unit
            (68, "Bản đồ"),  # not an http(s) link
            (68, "Mã đơn vị"),  # the same unit twice
        }
        good_text = "\n".join(buffer.getvalue().splitlines()[:-2]) + "\n"
        upload = {"file": ("xa-phuong.csv", good_text.encode(), "text/csv")}
        dry = client.post(
            "/api/admin/places/import?dry_run=true", files=upload, headers=admin
        ).json()
        assert (dry["rows"], dry["updated"], dry["written"]) == (65, 1, False)
        with Session(engine) as session:
            assert session.get(AdminUnit, TAM_THANH).phone is None  # type: ignore[union-attr]
        done = client.post("/api/admin/places/import", files=upload, headers=admin).json()
        assert (done["updated"], done["unchanged"], done["written"]) == (1, 64, True)
        with Session(engine) as session:
            assert session.get(AdminUnit, TAM_THANH).phone == "0205 3 811 222"  # type: ignore[union-attr]
        xlsx = client.get("/api/admin/places/export?format=xlsx", headers=admin)
        sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
        values = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
        assert values[TAM_THANH][3] == "0205 3 811 222"
        for name, content in (("x.xlsx", b"PK\x03\x04 not a workbook"), ("x.txt", b"hello")):
            upload = {"file": (name, content, "application/octet-stream")}
            refused = client.post("/api/admin/places/import", files=upload, headers=admin)
            assert refused.status_code == 422


def test_the_console_exports_and_imports_the_offices(fresh_url: str, tmp_path: Path) -> None:
    migrated_seeded_engine(fresh_url).dispose()
    env = {"DATABASE_URL": fresh_url, "PATH": "/usr/bin:/bin"}
    target = tmp_path / "xa-phuong.xlsx"
    out = subprocess.run(
        [TROLYAO, "places", "export", str(target)], env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    book = load_workbook(target)
    sheet = book.worksheets[0]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == TAM_THANH:
            row[2].value = "Số 1 đường Lê Lợi, phường Tam Thanh"
    book.save(target)
    dry = subprocess.run(
        [TROLYAO, "places", "import", str(target), "--dry-run"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert dry.returncode == 0 and "1 cập nhật" in dry.stdout and "chưa ghi gì" in dry.stdout
    done = subprocess.run(
        [TROLYAO, "places", "import", str(target)], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0 and "đã ghi" in done.stdout


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with staff_site(tmp_path_factory.mktemp("places-ui")) as base:
        yield base


@pytest.mark.parametrize("size", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_an_office_contact_is_edited_on_the_page(
    site: str, browser: Browser, size: tuple[int, int]
) -> None:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="vi-VN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{site}/admin/places")
        page.fill("#username", "bientap")
        page.fill("#password", PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        expect(page.locator("section.unit")).to_have_count(65)
        card = page.locator(f"#unit-{TAM_THANH}")
        expect(card).to_contain_text("Phường Tam Thanh")
        expect(card).to_contain_text("xã Hoàng Đồng")  # the old communes it took in
        phone = f"0205 3 870 {size[0] % 1000:03d}"
        card.locator('[name="phone"]').fill(phone)
        card.get_by_role("button", name="Lưu").click()
        expect(card.locator("[data-status]")).to_contain_text("Đã lưu")
        token = httpx.post(
            f"{site}/api/auth/token", data={"username": "bientap", "password": PASSWORD}
        ).json()["access_token"]
        listed = httpx.get(
            f"{site}/api/admin/places", headers={"Authorization": f"Bearer {token}"}
        ).json()["items"]
        assert next(i for i in listed if i["code"] == TAM_THANH)["phone"] == phone
        bad_file = "Mã đơn vị,Điện thoại\n00000,0205 3 999 999\n".encode()
        page.locator("#places-import input[type=file]").set_input_files(
            {"name": "xa-phuong.csv", "mimeType": "text/csv", "buffer": bad_file}
        )
        page.get_by_role("button", name="Nhập tệp").click()  # a dry run by default
        expect(page.locator("#places-import-result")).to_contain_text("1 lỗi. Chưa ghi gì.")
        expect(page.locator("#places-import-errors")).to_contain_text("Không có mã “00000”")
        assert page.evaluate("document.documentElement.scrollWidth") <= size[0]
        assert errors == []
    finally:
        context.close()


def test_the_export_never_hands_a_spreadsheet_a_formula(engine: Engine) -> None:
    hostile = '=HYPERLINK("http://evil.example","Bấm vào")'
    with Session(engine) as session, session.begin():
        unit = session.get(AdminUnit, TAM_THANH)
        assert unit is not None
        unit.address, unit.hours = hostile, "+84 205 3 811 222"
    with staff_client(engine) as client:
        admin = bearer(client, "quantri")
        exported = client.get("/api/admin/places/export?format=csv", headers=admin)
        rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
        row = next(r for r in rows if r["Mã đơn vị"] == TAM_THANH)
        assert row["Địa chỉ"] == "'" + hostile and row["Giờ làm việc"].startswith("'+")
        # imported back, the texts are exactly the ones exported
        upload = {"file": ("xa-phuong.csv", exported.content, "text/csv")}
        done = client.post("/api/admin/places/import", files=upload, headers=admin).json()
        assert done["errors"] == [] and done["updated"] == 0
        xlsx = client.get("/api/admin/places/export?format=xlsx", headers=admin)
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    cell = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == TAM_THANH)[2]
    assert cell.value == hostile and cell.data_type == "s"  # a text, not a formula
    with Session(engine) as session:
        assert session.get(AdminUnit, TAM_THANH).address == hostile  # type: ignore[union-attr]
