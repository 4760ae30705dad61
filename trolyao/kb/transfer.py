"""Import into the knowledge base: JSON (records), CSV and Excel (.xlsx) with the national
database's column names, and the national portal's records (export is :mod:`.export`).

Import reads the file twice, streaming: first every row is validated and every error is
reported (row, column, message); nothing is written unless the whole file is clean (and
never on a dry run). Then each record is upserted by its code: an unchanged record is left
alone (no new version), a changed one becomes a new version. Importing the same file
twice changes nothing the second time.

Spreadsheet cells: a list of short texts is one item per line; nested lists (channels with
their times and fees, documents, legal bases) are JSON in their cell.
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, selectinload

from trolyao.audit import audit
from trolyao.errors import InvalidRecord
from trolyao.kb import portal
from trolyao.kb.admin import create_known_new, update_known
from trolyao.kb.models import Procedure, ProcedureVersion, SourceRecord, SubmissionChannel
from trolyao.kb.portal import PortalRow
from trolyao.kb.records import slugify, to_record
from trolyao.kb.repository import get_procedure
from trolyao.kb.spreadsheet import (
    ImportFileError,
    detect_format,
    field_header,
    read_rows,
)
from trolyao.kb.validation import EditableRecord, record_json, validate

MAX_ROWS = 100_000


BATCH = 500


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
    # dvc-portal only: rows with errors are skipped (the rest imports), and cells that
    # could not be read with confidence are reported as notes (their facts stay null).
    skipped: int = 0
    notes: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "errors": self.errors[:1000],
            "error_count": len(self.errors),
            "notes": self.notes[:1000],
            "note_count": len(self.notes),
            "dry_run": self.dry_run,
            "written": self.written,
            "seconds": round(self.seconds, 2),
        }


Progress = Callable[[str, int], None]


@dataclass
class _Row:
    number: int
    data: dict[str, Any]
    errors: list[dict[str, str]]
    notes: list[dict[str, str]] = field(default_factory=list)
    source: PortalRow | None = None


def _rows(
    path: Path, kind: str, known: dict[str, Known], collected_on: dt.date | None
) -> Iterator[_Row]:
    """Every row of the file as a record dict; portal records are merged with what the
    knowledge base holds for their code (our names, aliases and situations stay)."""
    if kind != portal.FORMAT:
        for number, data, errors in read_rows(path, kind):
            yield _Row(number, data, errors)
        return
    for row in portal.read_portal_rows(path, collected_on):
        if row.record is None:
            yield _Row(row.number, {}, row.errors, source=row)
            continue
        previous = known.get(row.record["ma_thu_tuc"])
        data = portal.merge_known(previous.record if previous else None, row.record)
        yield _Row(row.number, data, [], row.notes, row)


def import_file(
    engine: Engine,
    path: Path,
    *,
    user: str,
    kind: str | None = None,
    dry_run: bool = False,
    status: str | None = None,
    progress: Progress | None = None,
    collected_on: dt.date | None = None,
    time_limit: float | None = None,
) -> ImportReport:
    """Validate the whole file, then (unless a dry run or any error) upsert every record.

    National-portal files (``dvc-portal``) import row by row instead: a row with an error
    is reported and skipped, the others are written; never half a row.

    ``time_limit`` (seconds) bounds the validation pass: a file that takes longer to check
    is refused (:class:`ImportFileError`) before anything is written."""
    started = time.perf_counter()
    kind = detect_format(path, kind)
    partial = kind == portal.FORMAT
    report = ImportReport(dry_run=dry_run)
    seen: dict[str, int] = {}
    rejected: set[int] = set()
    known: dict[str, Known] = {}
    rows = _rows(path, kind, known, collected_on)
    # A spreadsheet is opened (and a bad or oversized one refused) before the knowledge
    # base is read; portal rows merge with it, so for them it is read first.
    first = [] if partial else list(itertools.islice(rows, 1))
    with Session(engine) as session:
        known.update(_latest_records(session))
    for row in itertools.chain(first, rows):
        if time_limit is not None and time.perf_counter() - started > time_limit:
            raise ImportFileError(
                f"Kiểm tra tệp quá {time_limit:.0f} giây (đã đến dòng {report.rows}): "
                "hãy chia nhỏ tệp hoặc nhập bằng dòng lệnh (trolyao kb import)."
            )
        number, data, errors = row.number, row.data, row.errors
        report.notes += [{"row": number, **n} for n in row.notes]
        report.rows += 1
        if report.rows > MAX_ROWS:
            raise ImportFileError(f"Tối đa {MAX_ROWS} dòng mỗi lần nhập.")
        if status and "status" not in data:
            data["status"] = status
        data.setdefault("status", "published")
        report.errors += [{"row": number, **e} for e in errors]
        if errors:
            rejected.add(number)
            continue
        try:
            record = validate(data)
        except InvalidRecord as exc:
            rejected.add(number)
            report.errors += [
                {
                    "row": number,
                    "field": field_header(e["field"]) if kind != "json" else e["field"],
                    "message": e["message"],
                }
                for e in exc.errors
            ]
            continue
        key = record.key()
        previous = known.get(key)
        code = previous.record.get("ma_thu_tuc") if previous is not None else None
        if code and record.ma_thu_tuc != code:
            rejected.add(number)
            report.errors.append(
                {"row": number, "field": "ma_thu_tuc", "message": f"Phải giữ mã '{code}'."}
            )
        if key in seen:
            rejected.add(number)
            report.errors.append(
                {"row": number, "field": "ma_thu_tuc", "message": f"Trùng với dòng {seen[key]}."}
            )
        seen[key] = number
        if progress and report.rows % BATCH == 0:
            progress("validate", report.rows)
    if progress:
        progress("validate", report.rows)
    report.skipped = len(rejected) if partial else 0
    if (report.errors and not partial) or dry_run:
        report.seconds = time.perf_counter() - started
        return report
    done = 0
    session = Session(engine)
    try:
        session.begin()
        taken = {k.slug for k in known.values()} | set(known)
        kept = set(session.scalars(select(SourceRecord.sha256))) if partial else set()
        pending: list[tuple[int, Known, EditableRecord]] = []
        for row in _rows(path, kind, known, collected_on):
            _number, data = row.number, row.data
            if _number in rejected:
                continue
            if row.source is not None and row.source.raw is not None:
                _keep_source(session, row.source, collected_on, kept)
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
                    slug = f"{base[:190].rstrip('-')}-{n}"
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


def _keep_source(
    session: Session, row: PortalRow, collected_on: dt.date | None, kept: set[str]
) -> None:
    """Keep the raw line a record was read from, by its sha256 (once)."""
    assert row.sha256 is not None and row.raw is not None and row.record is not None
    if row.sha256 not in kept:
        kept.add(row.sha256)
        session.add(
            SourceRecord(
                sha256=row.sha256,
                format=portal.FORMAT,
                code=row.record["ma_thu_tuc"],
                url=row.record["nguon"]["url"],
                collected_on=collected_on,
                raw=row.raw,
            )
        )


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
