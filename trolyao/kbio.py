"""Import and export of the knowledge base: JSON (records), CSV and Excel (.xlsx) with the
national database's column names.

Import reads the file twice, streaming: first every row is validated and every error is
reported (row, column, message); nothing is written unless the whole file is clean (and
never on a dry run). Then each record is upserted by its code: an unchanged record is left
alone (no new version), a changed one becomes a new version. Importing the same file
twice changes nothing the second time.

Spreadsheet cells: a list of short texts is one item per line; nested lists (channels with
their times and fees, documents, legal bases) are JSON in their cell.
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, selectinload

from trolyao.errors import InvalidRecord, TroLyAoError
from trolyao.kbadmin import (
    EditableRecord,
    audit,
    create_known_new,
    editable,
    locate,
    record_json,
    update_known,
    validate,
)
from trolyao.models import Procedure, ProcedureVersion, SubmissionChannel
from trolyao.records import slugify

FORMATS = ("json", "csv", "xlsx")
MAX_ROWS = 100_000
MAX_CELL = 100_000
BATCH = 500

# (column header of the national database, path in the record, kind)
COLUMNS: list[tuple[str, str, str]] = [
    ("Mã thủ tục", "ma_thu_tuc", "text"),
    ("Mã nội bộ", "ma_noi_bo", "text"),
    ("Mã thủ tục địa phương", "ma_thu_tuc_dia_phuong", "text"),
    ("Số quyết định công bố", "so_quyet_dinh_cong_bo", "text"),
    ("Tên thủ tục", "ten_thu_tuc", "text"),
    ("Tên gọi khác", "ten_goi_khac", "lines"),
    ("Lĩnh vực", "linh_vuc", "text"),
    ("Loại thủ tục", "loai_thu_tuc", "text"),
    ("Cấp thực hiện", "cap_thuc_hien", "lines"),
    ("Đối tượng thực hiện", "doi_tuong_thuc_hien", "lines"),
    ("Cơ quan có thẩm quyền", "co_quan.co_tham_quyen", "text"),
    ("Cơ quan thực hiện", "co_quan.thuc_hien", "text"),
    ("Cơ quan được ủy quyền", "co_quan.duoc_uy_quyen", "text"),
    ("Cơ quan phối hợp", "co_quan.phoi_hop", "text"),
    ("Địa chỉ tiếp nhận hồ sơ", "co_quan.dia_chi_tiep_nhan", "text"),
    ("Trình tự thực hiện", "trinh_tu_thuc_hien", "lines"),
    ("Cách thức thực hiện", "cach_thuc_thuc_hien", "json"),
    ("Thành phần hồ sơ", "thanh_phan_ho_so", "json"),
    ("Số bộ hồ sơ", "so_bo_ho_so", "int"),
    ("Yêu cầu, điều kiện thực hiện", "yeu_cau_dieu_kien", "text"),
    ("Kết quả thực hiện", "ket_qua_thuc_hien", "lines"),
    ("Căn cứ pháp lý", "can_cu_phap_ly", "json"),
    ("Thủ tục liên quan", "thu_tuc_lien_quan", "lines"),
    ("Mức độ dịch vụ công trực tuyến", "dvc_truc_tuyen.muc_do", "text"),
    ("Mức độ dịch vụ công (cũ, 1-4)", "dvc_truc_tuyen.muc_do_cu_1_4", "int"),
    ("Địa chỉ nộp trực tuyến", "dvc_truc_tuyen.url_nop", "text"),
    ("Mã tỉnh", "dia_ban.ma_tinh_H", "text"),
    ("Tỉnh", "dia_ban.ten_tinh", "text"),
    ("Tình trạng hiệu lực", "hieu_luc.trang_thai", "text"),
    ("Ngày có hiệu lực", "hieu_luc.tu_ngay", "text"),
    ("Ngày hết hiệu lực", "hieu_luc.den_ngay", "text"),
    ("Thay thế bởi", "hieu_luc.thay_the_boi", "text"),
    ("Nguồn", "nguon.url", "text"),
    ("Ngày thu thập", "nguon.ngay_thu_thap", "text"),
    ("SHA-256 nguồn", "nguon.sha256", "text"),
    ("Ghi chú nguồn", "nguon.ghi_chu", "text"),
    ("Trạng thái", "status", "text"),
]
HEADERS = [header for header, _path, _kind in COLUMNS]
_BY_PATH = {path: header for header, path, _kind in COLUMNS}


class ImportFileError(TroLyAoError):
    """The file cannot be read at all (format, encoding, header)."""


@dataclass
class ImportReport:
    """What an import found and did."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors[:1000],
            "error_count": len(self.errors),
            "dry_run": self.dry_run,
            "written": self.written,
            "seconds": round(self.seconds, 2),
        }


Progress = Callable[[str, int], None]


def detect_format(path: Path, given: str | None = None) -> str:
    """The file's format from ``given`` or its extension."""
    kind = (given or path.suffix.lstrip(".")).lower()
    if kind not in FORMATS:
        raise ImportFileError("Định dạng tệp phải là .json, .csv hoặc .xlsx.")
    return kind


# ---------------------------------------------------------------- rows ↔ records


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).replace("\r\n", "\n").strip()
    return text or None


def row_to_record(row: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """A spreadsheet row (header → cell) as a record dict; errors of cells that cannot
    even be read (bad JSON, not a number)."""
    record: dict[str, Any] = {}
    errors: list[dict[str, str]] = []
    for header, path, kind in COLUMNS:
        text = _cell_text(row.get(header))
        if text is not None and len(text) > MAX_CELL:
            errors.append({"field": header, "message": f"Ô quá dài (tối đa {MAX_CELL} ký tự)."})
            continue
        value: Any
        if text is None:
            value = [] if kind in ("lines", "json") else None
        elif kind == "lines":
            value = _lines(text)
        elif kind == "json":
            try:
                value = json.loads(text)
            except ValueError:
                errors.append({"field": header, "message": "Phải là JSON (danh sách)."})
                continue
        elif kind == "int":
            try:
                value = int(float(text))
            except ValueError:
                errors.append({"field": header, "message": "Phải là số nguyên."})
                continue
        else:
            value = text
        if (value is None or value == []) and ("." in path or path == "status"):
            continue  # an empty nested or admin field keeps its default
        _put(record, path, value)
    return record, errors


def _lines(text: str) -> list[str]:
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, list):
            return [str(v) for v in parsed]
    return [line.strip() for line in text.split("\n") if line.strip()]


def _put(record: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    node = record
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def _get(record: dict[str, Any], path: str) -> Any:
    node: Any = record
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def record_to_row(record: dict[str, Any]) -> list[Any]:
    """A record dict as spreadsheet cells, in :data:`COLUMNS` order."""
    cells: list[Any] = []
    for _header, path, kind in COLUMNS:
        value = _get(record, path)
        if value is None or value == []:
            cells.append("")
        elif kind == "lines":
            items = [str(v) for v in value]
            joined = "\n".join(items)
            plain = all(i and i == i.strip() and "\n" not in i for i in items)
            cells.append(
                joined
                if plain and not joined.startswith("[")
                else json.dumps(items, ensure_ascii=False)
            )
        elif kind == "json":
            cells.append(json.dumps(value, ensure_ascii=False))
        else:
            cells.append(value)
    return cells


def _field_header(field_path: str) -> str:
    """The spreadsheet column of a record field path (``co_quan.thuc_hien`` → its header)."""
    parts = field_path.split(".")
    for n in range(len(parts), 0, -1):
        header = _BY_PATH.get(".".join(parts[:n]))
        if header:
            rest = ".".join(parts[n:])
            return f"{header}" + (f" ({rest})" if rest else "")
    return field_path


# ---------------------------------------------------------------- readers


def read_rows(path: Path, kind: str) -> Iterator[tuple[int, dict[str, Any], list[dict[str, str]]]]:
    """``(row number, record dict, read errors)`` for each row, streaming."""
    if kind == "json":
        yield from _json_rows(path)
    elif kind == "csv":
        yield from _csv_rows(path)
    else:
        yield from _xlsx_rows(path)


def _json_rows(path: Path) -> Iterator[tuple[int, dict[str, Any], list[dict[str, str]]]]:
    try:
        data = json.loads(path.read_text("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ImportFileError(f"Tệp JSON không đọc được: {str(exc)[:200]}") from exc
    if isinstance(data, dict) and isinstance(data.get("procedures"), list):
        data = data["procedures"]
    if not isinstance(data, list):
        raise ImportFileError('Tệp JSON phải là một danh sách hồ sơ (hoặc {"procedures": [...]}).')
    for number, item in enumerate(data, start=1):
        if isinstance(item, dict):
            yield number, item, []
        else:
            yield number, {}, [{"field": "_", "message": "Mỗi phần tử phải là một đối tượng."}]


def _check_header(header: list[str]) -> None:
    known = set(HEADERS)
    unknown = [h for h in header if h and h not in known]
    if unknown:
        raise ImportFileError(f"Cột không có trong mẫu: {', '.join(unknown[:10])}.")
    if "Tên thủ tục" not in header:
        raise ImportFileError("Thiếu cột 'Tên thủ tục'.")


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, Any], list[dict[str, str]]]]:
    csv.field_size_limit(MAX_CELL * 4)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = [h.strip() for h in next(reader, [])]
            _check_header(header)
            for number, cells in enumerate(reader, start=2):
                if not any(c.strip() for c in cells):
                    continue
                row = dict(zip(header, cells, strict=False))
                record, errors = row_to_record(row)
                if len(cells) > len(header):
                    errors.append({"field": "_", "message": "Nhiều ô hơn số cột."})
                yield number, record, errors
    except UnicodeDecodeError as exc:
        raise ImportFileError("Tệp CSV phải mã hóa UTF-8.") from exc
    except csv.Error as exc:
        raise ImportFileError(f"Tệp CSV không đọc được: {exc}") from exc


def _xlsx_rows(path: Path) -> Iterator[tuple[int, dict[str, Any], list[dict[str, str]]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise ImportFileError("Tệp Excel không đọc được (.xlsx).") from exc
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
        _check_header(header)
        for number, values in enumerate(rows, start=2):
            if not any(v not in (None, "") for v in values):
                continue
            row = {h: v for h, v in zip(header, values, strict=False) if h}
            record, errors = row_to_record(row)
            yield number, record, errors
    finally:
        book.close()


# ---------------------------------------------------------------- import


def import_file(
    engine: Engine,
    path: Path,
    *,
    user: str,
    kind: str | None = None,
    dry_run: bool = False,
    status: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Validate the whole file, then (unless a dry run or any error) upsert every record."""
    started = time.perf_counter()
    kind = detect_format(path, kind)
    report = ImportReport(dry_run=dry_run)
    seen: dict[str, int] = {}
    with Session(engine) as session:
        known = _latest_records(session)
    for number, data, errors in read_rows(path, kind):
        report.rows += 1
        if report.rows > MAX_ROWS:
            raise ImportFileError(f"Tối đa {MAX_ROWS} dòng mỗi lần nhập.")
        if status and "status" not in data:
            data["status"] = status
        data.setdefault("status", "published")
        report.errors += [{"row": number, **e} for e in errors]
        if errors:
            continue
        try:
            record = validate(data)
        except InvalidRecord as exc:
            report.errors += [
                {
                    "row": number,
                    "field": _field_header(e["field"]) if kind != "json" else e["field"],
                    "message": e["message"],
                }
                for e in exc.errors
            ]
            continue
        key = record.key()
        previous = known.get(key)
        code = previous.record.get("ma_thu_tuc") if previous is not None else None
        if code and record.ma_thu_tuc != code:
            report.errors.append(
                {"row": number, "field": "ma_thu_tuc", "message": f"Phải giữ mã '{code}'."}
            )
        if key in seen:
            report.errors.append(
                {"row": number, "field": "ma_thu_tuc", "message": f"Trùng với dòng {seen[key]}."}
            )
        seen[key] = number
        if progress and report.rows % BATCH == 0:
            progress("validate", report.rows)
    if progress:
        progress("validate", report.rows)
    if report.errors or dry_run:
        report.seconds = time.perf_counter() - started
        return report
    done = 0
    session = Session(engine)
    try:
        session.begin()
        taken = {k.slug for k in known.values()} | set(known)
        pending: list[tuple[int, Known, EditableRecord]] = []
        for _number, data, _errors in read_rows(path, kind):
            if status and "status" not in data:
                data["status"] = status
            data.setdefault("status", "published")
            record = validate(data)
            stored = record_json(record)
            previous = known.get(record.key())
            if previous is not None and _same(previous, stored, record.status):
                report.unchanged += 1
            elif previous is None:
                slug = record.ma_noi_bo or slugify(record.ten_thu_tuc)
                base, n = slug, 1
                while slug in taken:
                    n += 1
                    slug = f"{base[:190]}-{n}"
                taken.add(slug)
                create_known_new(session, record, slug, user=user, action="import")
                report.created += 1
            else:
                pending.append((_number, previous, record))
                report.updated += 1
            done += 1
            if done % BATCH == 0:
                failed = _write_updates(session, pending, user)
                pending = []
                if failed:
                    session.rollback()
                    report.errors += failed
                    report.seconds = time.perf_counter() - started
                    return report
                session.commit()
                session.begin()
                if progress:
                    progress("write", done)
        failed = _write_updates(session, pending, user)
        if failed:
            session.rollback()
            report.errors += failed
            report.seconds = time.perf_counter() - started
            return report
        audit(
            session,
            user,
            "import_file",
            path.name[:200],
            None,
            {
                "rows": report.rows,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
            },
        )
        session.commit()
        report.written = True
    finally:
        session.close()
    if progress:
        progress("write", done)
    report.seconds = time.perf_counter() - started
    return report


@dataclass(frozen=True)
class Known:
    """A procedure as it stands before an import: its latest record, status and version."""

    slug: str
    record: dict[str, Any]
    status: str
    version: int
    versioned: bool  # False: only the live (seeded) row, no version rows yet


def _same(previous: Known, stored: dict[str, Any], status: str) -> bool:
    comparable = {**stored, "ma_noi_bo": previous.record.get("ma_noi_bo")}
    return previous.record == comparable and previous.status == status


def _latest_records(session: Session) -> dict[str, Known]:
    """Every procedure's latest record and status, by code and by local key."""
    out: dict[str, Known] = {}
    latest = (
        select(ProcedureVersion.procedure_key, func.max(ProcedureVersion.version).label("v"))
        .group_by(ProcedureVersion.procedure_key)
        .subquery()
    )
    versioned: set[str] = set()
    for row in session.scalars(
        select(ProcedureVersion).join(
            latest,
            (ProcedureVersion.procedure_key == latest.c.procedure_key)
            & (ProcedureVersion.version == latest.c.v),
        )
    ):
        versioned.add(row.procedure_key)
        value = Known(row.procedure_key, dict(row.record), row.status, row.version, True)
        out[row.procedure_key] = value
        if row.code:
            out[row.code] = value
    from trolyao.records import to_record
    from trolyao.repository import get_procedure

    for slug in session.scalars(select(Procedure.slug)):
        if slug in versioned:
            continue
        live = get_procedure(session, slug, published_only=False)
        value = Known(slug, record_json(to_record(live)), live.status, live.version, False)
        out[slug] = value
        if live.code:
            out[live.code] = value
    return out


def _write_updates(
    session: Session, pending: list[tuple[int, Known, EditableRecord]], user: str
) -> list[dict[str, Any]]:
    """Write a batch of changed records: one query for their live rows, then batched
    inserts. Returns the errors of records that cannot be applied (a changed code)."""
    if not pending:
        return []
    slugs = [known.slug for _n, known, _r in pending]
    lives = {
        p.slug: p
        for p in session.scalars(
            select(Procedure)
            .where(Procedure.slug.in_(slugs))
            .options(
                selectinload(Procedure.channels).selectinload(SubmissionChannel.fees),
                selectinload(Procedure.documents),
                selectinload(Procedure.legal_bases),
            )
        )
    }
    errors: list[dict[str, Any]] = []
    for number, known, record in pending:
        live = lives.get(known.slug)
        code = live.code if live is not None else known.record.get("ma_thu_tuc")
        if code and record.ma_thu_tuc != code:
            errors.append(
                {"row": number, "field": "ma_thu_tuc", "message": f"Phải giữ mã '{code}'."}
            )
            continue
        update_known(
            session,
            slug=known.slug,
            live=live,
            edit=record,
            latest_version=known.version,
            baseline=None if known.versioned else known.record,
            previous=known.record,
            user=user,
            action="import",
        )
    return errors


# ---------------------------------------------------------------- export


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
                writer.writerow(record_to_row(record))
    else:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        book = Workbook(write_only=True)
        sheet = book.create_sheet("Thủ tục hành chính")
        sheet.append(HEADERS)
        for record in records:
            cells = []
            for value in record_to_row(record):
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # text, never a formula
                cells.append(cell)
            sheet.append(cells)
        book.save(path)
    return len(records)
