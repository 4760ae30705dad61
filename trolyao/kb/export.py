"""Export of the knowledge base: every procedure's latest record with its status, as JSON,
CSV or Excel (.xlsx) with the national database's column names (the import's formats)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from trolyao.cells import guard_cell
from trolyao.kb.admin import editable, locate
from trolyao.kb.models import Procedure, ProcedureVersion
from trolyao.kb.spreadsheet import HEADERS, detect_format, record_to_row, split_for_excel


def export_records(session: Session) -> Iterator[dict[str, Any]]:
    """Every procedure's latest record with its status, by field and name."""
    keys = set(session.scalars(select(Procedure.slug))) | set(
        session.scalars(select(ProcedureVersion.procedure_key).distinct())
    )
    rows = []
    for key in keys:
        current = locate(session, key)
        if current is None:
            continue
        record = editable(session, key)
        rows.append(record)
    rows.sort(
        key=lambda r: (
            str(r.get("linh_vuc") or ""),
            str(r.get("ten_thu_tuc") or ""),
            str(r.get("ma_noi_bo")),
        )
    )
    for record in rows:
        yield {
            k: v
            for k, v in record.items()
            if k
            not in (
                "version",
                "ghi_chu_thay_doi",
                "cap_nhat_luc",
                "cap_nhat_boi",
                "phien_ban_dang_ap_dung",
            )
        }


def export_file(engine: Engine, path: Path, kind: str | None = None) -> int:
    """Write the whole knowledge base to ``path``; return how many records."""
    kind = detect_format(path, kind)
    with Session(engine) as session:
        records = list(export_records(session))
    if kind == "json":
        path.write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", "utf-8")
    elif kind == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADERS)
            for record in records:
                writer.writerow([guard_cell(value) for value in record_to_row(record)])
    else:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        book = Workbook(write_only=True)
        sheet = book.create_sheet("Thủ tục hành chính")
        headers, rows = split_for_excel(HEADERS, [record_to_row(r) for r in records])
        sheet.append(headers)
        for row in rows:
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # text, never a formula
                cells.append(cell)
            sheet.append(cells)
        book.save(path)
    return len(records)
