"""Import benchmark (make bench): 10,000 procedure rows from a spreadsheet into SQLite and
PostgreSQL, with the progress the CLI shows; then the same file again (idempotent)."""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from trolyao import migrate
from trolyao.db import make_engine
from trolyao.dbadmin import create_postgres_database, drop_database
from trolyao.kb.seed import seed_all
from trolyao.kb.spreadsheet import HEADERS, record_to_row
from trolyao.kb.transfer import import_file


def synthetic_records(rows: int) -> list[dict[str, Any]]:
    """Full records: aliases, steps, two channels with times and fees, documents, a basis."""
    out = []
    for i in range(rows):
        out.append(
            {
                "ma_thu_tuc": f"9.{i:06d}",
                "ten_thu_tuc": f"Thủ tục thử nghiệm số {i} về cấp giấy phép",
                "ten_goi_khac": [f"giấy phép thử {i}", f"xin phép thử {i}"],
                "linh_vuc": f"Lĩnh vực {i % 40}",
                "cap_thuc_hien": ["tinh"],
                "doi_tuong_thuc_hien": ["Công dân Việt Nam", "Doanh nghiệp"],
                "co_quan": {"thuc_hien": "Sở Thử nghiệm tỉnh Lạng Sơn"},
                "trinh_tu_thuc_hien": ["Nộp hồ sơ.", "Tiếp nhận và kiểm tra.", "Trả kết quả."],
                "cach_thuc_thuc_hien": [
                    {
                        "hinh_thuc": "truc_tiep",
                        "thoi_han": {"gia_tri": 5, "don_vi": "ngay_lam_viec"},
                        "phi_le_phi": [
                            {"loai": "le_phi", "so_tien_vnd": 50_000 + i, "nguyen_van": "Lệ phí"}
                        ],
                    },
                    {
                        "hinh_thuc": "truc_tuyen",
                        "thoi_han": {"gia_tri": 3, "don_vi": "ngay_lam_viec"},
                        "phi_le_phi": [],
                    },
                ],
                "thanh_phan_ho_so": [
                    {"ten_giay_to": "Đơn đề nghị theo mẫu", "so_ban_chinh": 1},
                    {"ten_giay_to": "Bản sao giấy tờ tùy thân", "so_ban_sao": 1},
                ],
                "can_cu_phap_ly": [{"so_ky_hieu": f"{i}/2026/NĐ-CP", "trich_yeu": "Nghị định thử"}],
                "dvc_truc_tuyen": {"muc_do": "toan_trinh"},
                "dia_ban": {"ten_tinh": "Lạng Sơn"},
                "status": "published",
            }
        )
    return out


def run_import_benchmark(
    rows: int, databases: list[str], workdir: Path, postgres_admin_url: str
) -> dict[str, Any]:
    """Time importing ``rows`` CSV rows into each database, then importing them again."""
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / f"import-{rows}.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for record in synthetic_records(rows):
            writer.writerow(record_to_row(record))
    changed_path = workdir / f"import-{rows}-changed.csv"
    with changed_path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for record in synthetic_records(rows):
            record["cach_thuc_thuc_hien"][0]["phi_le_phi"][0]["so_tien_vnd"] += 1000
            writer.writerow(record_to_row(record))
    results: dict[str, Any] = {"rows": rows, "file_mb": round(path.stat().st_size / 1e6, 1)}
    for kind in databases:
        url = (
            f"sqlite:///{workdir / 'bench-import.db'}"
            if kind == "sqlite"
            else create_postgres_database(postgres_admin_url, "trolyao_bench_import")
        )
        if kind == "sqlite":
            drop_database(url, postgres_admin_url)
        try:
            migrate.upgrade(url)
            engine = make_engine(url)
            with Session(engine) as session, session.begin():
                seed_all(session)
            ticks: list[tuple[str, int, float]] = []
            started = time.perf_counter()

            def progress(
                phase: str,
                done: int,
                ticks: list[tuple[str, int, float]] = ticks,
                started: float = started,
            ) -> None:
                ticks.append((phase, done, time.perf_counter() - started))

            first = import_file(engine, path, user="bench", progress=progress)
            again = import_file(engine, path, user="bench")
            changed = import_file(engine, changed_path, user="bench")
            engine.dispose()
        finally:
            drop_database(url, postgres_admin_url)
        results[kind] = {
            "seconds": round(first.seconds, 1),
            "rows_per_s": round(rows / first.seconds),
            "created": first.created,
            "errors": len(first.errors),
            "progress_updates": len(ticks),
            "validated_after_s": round(next(t for p, n, t in ticks if p == "write"), 1),
            "second_run_seconds": round(again.seconds, 1),
            "second_run_unchanged": again.unchanged,
            "changed_run_seconds": round(changed.seconds, 1),
            "changed_run_updated": changed.updated,
        }
        print(f"import {kind}: {json.dumps(results[kind])}", flush=True)
    return results
