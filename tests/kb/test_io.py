"""Import and export of the knowledge base: round trips in JSON, CSV and Excel, dry runs
that report every row's error, idempotent upserts, progress, the CLI and the API."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from api.main import create_app
from tests.support.staff import PASSWORD, staff_client
from tests.support.staff import bearer as auth
from trolyao.kb.export import export_file
from trolyao.kb.models import Procedure, ProcedureVersion
from trolyao.kb.seed import load_seed_records
from trolyao.kb.spreadsheet import HEADERS
from trolyao.kb.transfer import import_file

SEEDED = len(load_seed_records())


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    with staff_client(engine) as client:
        yield client


def versions(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(ProcedureVersion)) or 0)


def cells(path: Path) -> list[list[Any]]:
    book = load_workbook(path, read_only=True)
    try:
        return [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


@pytest.mark.parametrize("kind", ["json", "csv", "xlsx"])
def test_export_import_export_is_identical(engine: Engine, tmp_path: Path, kind: str) -> None:
    first = tmp_path / f"first.{kind}"
    assert export_file(engine, first) == SEEDED
    report = import_file(engine, first, user="kiemthu")
    assert (report.rows, report.created, report.updated, report.unchanged) == (SEEDED, 0, 0, SEEDED)
    assert report.errors == [] and report.written
    assert versions(engine) == 0  # nothing changed, so no version was made
    second = tmp_path / f"second.{kind}"
    export_file(engine, second)
    if kind == "xlsx":
        assert cells(first) == cells(second)
        header = cells(first)[0]
        assert header[: len(HEADERS)] == HEADERS
        # cells too long for Excel continue in extra columns at the end
        assert all(h.endswith(")") and " (tiếp " in h for h in header[len(HEADERS) :])
    else:
        assert first.read_bytes() == second.read_bytes()


def test_an_edited_spreadsheet_updates_only_what_changed(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "kb.csv"
    export_file(engine, path)
    rows = list(csv.reader(io.StringIO(path.read_text("utf-8-sig"))))
    header = rows[0]
    code, ways = header.index("Mã thủ tục"), header.index("Cách thức thực hiện")
    row = next(r for r in rows if r[code] == "1.004837")
    row[ways] = json.dumps(
        [{"hinh_thuc": "truc_tiep", "phi_le_phi": [{"loai": "le_phi", "so_tien_vnd": 12000,
          "nguyen_van": "12.000 đồng"}]}], ensure_ascii=False)  # fmt: skip
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    report = import_file(engine, path, user="kiemthu")
    assert (report.created, report.updated, report.unchanged) == (0, 1, SEEDED - 1)
    again = import_file(engine, path, user="kiemthu")  # idempotent
    assert (again.created, again.updated, again.unchanged) == (0, 0, SEEDED)
    with TestClient(create_app(engine)) as client:
        fee = client.get("/api/procedures/1.004837").json()["cach_thuc_thuc_hien"][0]
    assert fee["phi_le_phi"][0]["so_tien_vnd"] == 12000
    assert versions(engine) == 2  # the baseline and the imported version


def test_a_dry_run_reports_every_rows_errors_and_writes_nothing(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "bad.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Cách thức thực hiện", "Số bộ hồ sơ"]
        )
        writer.writerow(["1.099001", "Thủ tục đúng", "Thử nghiệm", "", "1"])
        writer.writerow(["1.09", "Mã sai", "Thử nghiệm", "", ""])
        writer.writerow(["1.099002", "", "Thử nghiệm", "", ""])
        writer.writerow(["1.099003", "JSON hỏng", "Thử nghiệm", "[{", ""])
        writer.writerow(["1.099004", "Số sai", "Thử nghiệm", "", "hai"])
        writer.writerow(["1.099001", "Trùng mã", "Thử nghiệm", "", ""])
    for dry_run in (True, False):
        report = import_file(engine, path, user="kiemthu", dry_run=dry_run)
        found = sorted((e["row"], e["field"]) for e in report.errors)
        assert found == [
            (3, "Mã thủ tục"),
            (4, "Tên thủ tục"),
            (5, "Cách thức thực hiện"),
            (6, "Số bộ hồ sơ"),
            (7, "ma_thu_tuc"),
        ]
        assert not report.written
        assert versions(engine) == 0
    with TestClient(create_app(engine)) as client:
        assert client.get("/api/procedures/1.099001").status_code == 404


def test_bad_files_get_a_clear_error(engine: Engine, tmp_path: Path) -> None:
    from trolyao.kb.spreadsheet import ImportFileError

    cases = {
        "a.txt": "hello",
        "b.json": "{not json",
        "c.json": '{"a": 1}',
        "d.csv": "Cột lạ,Tên thủ tục\n1,2\n",
        "e.xlsx": "not a zip",
        "f.json": "[" * 200_000 + "]" * 200_000,  # would blow the parser's stack
        "g.json": '[{"ten_thu_tuc": ' + "[" * 100 + "]" * 100 + "}]",
    }
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text, "utf-8")
        with pytest.raises(ImportFileError):
            import_file(engine, path, user="kiemthu")


def test_progress_is_reported_while_streaming(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "many.json"
    rows = [
        {"ma_thu_tuc": f"9.{i:06d}", "ten_thu_tuc": f"Thủ tục thử số {i}", "linh_vuc": "Thử"}
        for i in range(1, 1201)
    ]
    path.write_text(json.dumps(rows, ensure_ascii=False), "utf-8")
    seen: list[tuple[str, int]] = []
    report = import_file(engine, path, user="kiemthu", progress=lambda p, n: seen.append((p, n)))
    assert report.created == 1200
    assert seen == [("validate", 500), ("validate", 1000), ("validate", 1200),
                    ("write", 500), ("write", 1000), ("write", 1200)]  # fmt: skip
    with TestClient(create_app(engine)) as client:
        hit = client.get("/api/procedures/search", params={"q": "thu tuc thu so 777"}).json()
        assert hit["items"][0]["code"] == "9.000777"


def test_the_cli(engine: Engine, tmp_path: Path) -> None:
    url = engine.url.render_as_string(hide_password=False)
    env = {**os.environ, "DATABASE_URL": url}
    trolyao = str(Path(sys.executable).parent / "trolyao")
    out = tmp_path / "kb.xlsx"
    done = subprocess.run(
        [trolyao, "kb", "export", str(out)], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert f"{SEEDED} thủ tục" in done.stdout
    dry = subprocess.run(
        [trolyao, "kb", "import", str(out), "--dry-run"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert dry.returncode == 0, dry.stderr
    assert f"{SEEDED} dòng: 0 mới, 0 cập nhật, 0 không đổi, 0 lỗi (chạy thử" in dry.stdout
    assert f"kiểm tra: {SEEDED} dòng" in dry.stderr
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"ten_thu_tuc": "x"}, {"linh_vuc": "y"}]), "utf-8")
    failed = subprocess.run(
        [trolyao, "kb", "import", str(bad)], env=env, capture_output=True, text=True, check=False
    )
    assert failed.returncode == 1
    assert "dòng 1: linh_vuc" in failed.stdout and "dòng 2: ten_thu_tuc" in failed.stdout


def test_the_api_streams_progress_then_the_report(client: TestClient, tmp_path: Path) -> None:
    headers = auth(client, "bientap")
    exported = client.get("/api/admin/export", params={"format": "csv"}, headers=headers)
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    body = exported.content
    for dry in ("true", "false"):
        response = client.post(
            "/api/admin/import",
            params={"dry_run": dry},
            files={"file": ("kb.csv", body, "text/csv")},
            headers=headers,
        )
        assert response.status_code == 200
        lines = [json.loads(line) for line in response.text.splitlines()]
        assert lines[0] == {"phase": "validate", "rows": SEEDED}
        final = lines[-1]
        assert (final["phase"], final["rows"], final["error_count"]) == ("done", SEEDED, 0)
        assert final["unchanged"] == (0 if dry == "true" else SEEDED)
    wrong = client.post(
        "/api/admin/import", files={"file": ("kb.pdf", b"%PDF", "application/pdf")}, headers=headers
    )
    assert wrong.status_code == 400
    xlsx = client.get("/api/admin/export", params={"format": "xlsx"}, headers=headers)
    assert xlsx.content[:2] == b"PK"
    records = client.get("/api/admin/export", params={"format": "json"}, headers=headers).json()
    assert len(records) == SEEDED and {r["status"] for r in records} == {"published"}
    assert PASSWORD  # the shared fixture's accounts


def test_an_import_cannot_change_a_procedures_national_code(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "recode.json"
    path.write_text(
        json.dumps(
            [
                {
                    "ma_noi_bo": "dang-ky-giam-ho",
                    "ten_thu_tuc": "Đăng ký giám hộ",
                    "linh_vuc": "Hộ tịch",
                }
            ],
            ensure_ascii=False,
        ),
        "utf-8",
    )
    report = import_file(engine, path, user="kiemthu", dry_run=True)
    assert report.errors == [
        {"row": 1, "field": "ma_thu_tuc", "message": "Phải giữ mã '1.004837'."}
    ]


def test_many_changed_records_are_versioned_and_live(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "kb.json"
    export_file(engine, path)
    records = json.loads(path.read_text("utf-8"))
    for record in records:
        record["yeu_cau_dieu_kien"] = f"Điều kiện mới của {record['ten_thu_tuc']}"
    path.write_text(json.dumps(records, ensure_ascii=False), "utf-8")
    report = import_file(engine, path, user="kiemthu")
    assert (report.updated, report.unchanged, report.errors) == (SEEDED, 0, [])
    assert versions(engine) == 2 * SEEDED  # a baseline and the new version of each
    with TestClient(create_app(engine)) as client:
        body = client.get("/api/procedures/1.001193").json()
    assert body["yeu_cau_dieu_kien"] == "Điều kiện mới của Đăng ký khai sinh"
    again = import_file(engine, path, user="kiemthu")
    assert (again.updated, again.unchanged) == (0, SEEDED)


def test_csv_cells_never_run_as_formulas_and_round_trip_exactly(
    engine: Engine, tmp_path: Path
) -> None:
    hostile = ['=HYPERLINK("http://evil.example")', "@SUM(1+1)", "+84 trực tiếp", "'=quoted"]
    with Session(engine) as session, session.begin():
        procedure = session.scalars(select(Procedure).where(Procedure.code == "1.001699")).one()
        procedure.aliases = hostile
        procedure.steps = ["- Bước một", "=2+2"]
    first = tmp_path / "first.csv"
    export_file(engine, first)
    with first.open(encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in cells)
    assert '\'=HYPERLINK("http://evil.example")' in "\n".join(cells)
    assert import_file(engine, first, user="test").unchanged > 0  # nothing changed back
    second = tmp_path / "second.csv"
    export_file(engine, second)
    assert second.read_bytes() == first.read_bytes()
    with Session(engine) as session:
        procedure = session.scalars(select(Procedure).where(Procedure.code == "1.001699")).one()
        assert procedure.aliases == hostile and procedure.steps == ["- Bước một", "=2+2"]


def _crafted_xlsx(path: Path, dimension: str) -> None:
    """A small real workbook whose sheet then declares ``dimension``, as a hostile file would."""
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(HEADERS[:5])
    plain = path.with_suffix(".plain.xlsx")
    book.save(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(
                    rb'<dimension ref="[^"]*"\s*/>',
                    f'<dimension ref="{dimension}"/>'.encode(),
                    data,
                )
            out.writestr(item, data)


@pytest.mark.parametrize("dimension", ["A1:XFD20000", "A1:XFD1048576", "A1:E2000000"])
def test_a_spreadsheet_declaring_a_huge_size_is_refused_at_once(
    engine: Engine, tmp_path: Path, dimension: str
) -> None:
    import time

    from trolyao.kb.spreadsheet import ImportFileError

    path = tmp_path / "huge.xlsx"
    _crafted_xlsx(path, dimension)
    assert path.stat().st_size < 10_000
    started = time.monotonic()
    with pytest.raises(ImportFileError, match="quá nhiều"):
        import_file(engine, path, user="kiemthu", dry_run=True)
    assert time.monotonic() - started < 5


def test_a_zip_bomb_is_refused_before_unpacking(engine: Engine, tmp_path: Path) -> None:
    import zipfile

    from trolyao.kb.spreadsheet import ImportFileError

    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "<row/>" * 5_000_000)  # 30 MB of the same
    with pytest.raises(ImportFileError, match="giải nén"):
        import_file(engine, path, user="kiemthu", dry_run=True)


def test_short_names_and_life_events_travel_through_a_spreadsheet(
    engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "kb.csv"
    export_file(engine, path)
    rows = list(csv.reader(io.StringIO(path.read_text("utf-8-sig"))))
    header = rows[0]
    code, short, events = (header.index(h) for h in ("Mã thủ tục", "Tên ngắn", "Sự kiện"))
    row = next(r for r in rows if r[code] == "1.000656")
    assert "nguoi_than_qua_doi" in row[events].splitlines()
    row[short], row[events] = "Báo tử", "nguoi_than_qua_doi\nco_con_nho\nnguoi_than_qua_doi"
    bad = next(r for r in rows if r[code] == "1.001193")
    bad[events] = "sinh_nhat"  # not a life event
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    report = import_file(engine, path, user="kiemthu")
    assert [(e["field"], e["row"]) for e in report.errors] == [("Sự kiện (0)", rows.index(bad) + 1)]
    assert "co_con_nho" in report.errors[0]["message"]  # says which values are allowed
    assert not report.written  # one bad row: nothing is written
    bad[events] = "co_con_nho"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    report = import_file(engine, path, user="kiemthu")
    assert report.errors == [] and report.updated == 2
    with TestClient(create_app(engine)) as client:
        death = client.get("/api/procedures/1.000656").json()
        assert (death["ten_ngan"], death["su_kien"]) == (
            "Báo tử",
            ["nguoi_than_qua_doi", "co_con_nho"],
        )
        listed = client.get("/api/procedures", params={"event": "co_con_nho"}).json()
        assert "Đăng ký khai tử" in [item["name"] for item in listed["items"]]
