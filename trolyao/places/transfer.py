"""The commune offices' contacts as CSV or XLSX: export all 65 units, import them back
(an office's address, phone, hours and map link), with a dry run that writes nothing.

A file is written whole or not at all: a dry run, or any row with an error, writes
nothing and reports every error by row and column. An empty cell means "not known" (the
assistant then says so); a unit is matched by its official code. Names are never changed
by an import: they follow the law, not the file.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trolyao.cells import guard_cell, unguard_cell
from trolyao.places.models import CONTACT_FIELDS, MAX_LENGTH, AdminUnit, update_contact

COLUMNS = {
    "code": "Mã đơn vị",
    "title": "Tên đơn vị",
    "address": "Địa chỉ",
    "phone": "Điện thoại",
    "hours": "Giờ làm việc",
    "map_url": "Bản đồ",
}
BY_HEADER = {v: k for k, v in COLUMNS.items()}
MAX_ROWS = 1000
MAX_COLUMNS = 30
MAX_XLSX_UNPACKED = 20 * 1024 * 1024
MAX_CELL = 2000


class PlacesFileError(ValueError):
    """The file cannot be read at all (format, size, header)."""


@dataclass
class PlacesImportReport:
    """What an import did, or would do (dry run)."""

    rows: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
            "dry_run": self.dry_run,
            "written": self.written,
        }


def rows_for_export(session: Session) -> list[dict[str, str]]:
    """Every unit with its contact, by code, as the file's columns."""
    out = []
    for row in session.scalars(select(AdminUnit).order_by(AdminUnit.code)):
        kind = "Phường" if row.kind == "phuong" else "Xã"
        values = {"code": row.code, "title": f"{kind} {row.name}"}
        values.update({f: getattr(row, f) or "" for f in CONTACT_FIELDS})
        out.append({COLUMNS[k]: v for k, v in values.items()})
    return out


def export_bytes(session: Session, kind: str) -> bytes:
    """The units' contacts as a CSV (UTF-8 with BOM, for Excel) or an XLSX file."""
    rows = rows_for_export(session)
    if kind == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS.values()))
        writer.writeheader()
        writer.writerows({k: guard_cell(v) for k, v in row.items()} for row in rows)
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Xa phuong"
    sheet.append(list(COLUMNS.values()))
    for row in rows:
        sheet.append([row[c] for c in COLUMNS.values()])
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, never a formula
    buffer_bytes = io.BytesIO()
    book.save(buffer_bytes)
    return buffer_bytes.getvalue()


def detect_kind(name: str, declared: str | None = None) -> str:
    kind = (declared or Path(name).suffix.lstrip(".")).lower()
    if kind not in ("csv", "xlsx"):
        raise PlacesFileError("Chỉ nhận tệp .csv hoặc .xlsx.")
    return kind


def _csv_rows(data: bytes) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlacesFileError("Tệp CSV phải mã hóa UTF-8.") from exc
    if "\x00" in text:
        raise PlacesFileError("Tệp CSV chứa ký tự không hợp lệ.")
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    cells = ([unguard_cell(c) for c in row] for row in reader)  # the export's guard undone
    yield from _with_header(header, enumerate(cells, start=2))


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, dict[str, Any]]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(m.file_size for m in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise PlacesFileError("Tệp Excel không đọc được (.xlsx).") from exc
    if unpacked > MAX_XLSX_UNPACKED:
        raise PlacesFileError("Tệp Excel quá lớn khi giải nén.")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise PlacesFileError("Tệp Excel không đọc được (.xlsx).") from exc
    try:
        sheet = book.worksheets[0]
        if (sheet.max_row or 0) > MAX_ROWS or (sheet.max_column or 0) > MAX_COLUMNS:
            raise PlacesFileError(f"Tối đa {MAX_ROWS - 1} dòng, {MAX_COLUMNS} cột.")
        rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
        yield from _with_header(header, enumerate(rows, start=2))
    finally:
        book.close()


def _with_header(
    header: list[str], rows: Iterator[tuple[int, Any]]
) -> Iterator[tuple[int, dict[str, Any]]]:
    header = [h.strip() for h in header]
    if COLUMNS["code"] not in header:
        raise PlacesFileError(f"Thiếu cột “{COLUMNS['code']}”.")
    for number, values in rows:
        if number > MAX_ROWS:
            raise PlacesFileError(f"Tối đa {MAX_ROWS - 1} dòng mỗi lần nhập.")
        cells = {BY_HEADER[h]: v for h, v in zip(header, values, strict=False) if h in BY_HEADER}
        if any(v not in (None, "") for v in cells.values()):
            yield number, cells


def _check(number: int, cells: dict[str, Any]) -> list[dict[str, Any]]:
    errors = []
    for name, value in cells.items():
        text = "" if value is None else str(value)
        limit = MAX_LENGTH.get(name, 200)
        if len(text) > min(limit, MAX_CELL):
            errors.append(
                {"row": number, "column": COLUMNS[name], "message": f"Dài quá {limit} ký tự."}
            )
        elif any(ord(c) < 32 and c not in "\t\n" for c in text):
            errors.append(
                {"row": number, "column": COLUMNS[name], "message": "Có ký tự điều khiển."}
            )
    url = str(cells.get("map_url") or "").strip()
    if url and not url.startswith(("https://", "http://")):
        errors.append(
            {"row": number, "column": COLUMNS["map_url"], "message": "Phải là địa chỉ http(s)."}
        )
    return errors


def import_bytes(
    session: Session, data: bytes, kind: str, *, user: str, dry_run: bool = False
) -> PlacesImportReport:
    """Import the contacts of ``data`` (CSV or XLSX) in ``session``; the caller commits.
    Nothing is changed unless the whole file is clean and it is not a dry run."""
    report = PlacesImportReport(dry_run=dry_run)
    reader = _csv_rows(data) if kind == "csv" else _xlsx_rows(data)
    known = {row.code: row for row in session.scalars(select(AdminUnit))}
    seen: set[str] = set()
    planned: list[tuple[str, dict[str, Any]]] = []
    for number, cells in reader:
        report.rows += 1
        code = str(cells.get("code") or "").strip()
        errors = _check(number, cells)
        if code not in known:
            errors.append(
                {"row": number, "column": COLUMNS["code"], "message": f"Không có mã “{code}”."}
            )
        elif code in seen:
            errors.append(
                {"row": number, "column": COLUMNS["code"], "message": "Mã bị lặp trong tệp."}
            )
        seen.add(code)
        report.errors += errors
        if not errors:
            planned.append((code, {f: cells.get(f) for f in CONTACT_FIELDS if f in cells}))
    for code, values in planned:
        row = known[code]
        changed = any((str(values[f] or "").strip() or None) != getattr(row, f) for f in values)
        report.updated += int(changed)
        report.unchanged += int(not changed)
    if dry_run or report.errors:
        return report
    for code, values in planned:
        update_contact(session, code, values, user)
    report.written = True
    return report
