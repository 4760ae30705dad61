"""The seed knowledge base: the catalog's procedures, merged by national code with the
national portal's records of the procedures citizens use most, and a few demo dossiers.

``procedures.json`` is the catalog (our names, aliases, situations and the facts we
checked); ``dvc_portal_records.jsonl.gz`` holds the portal's raw records as collected
(mid-2026), parsed at seed time by :mod:`trolyao.kb.portal` so that every seeded fact can
be traced to its raw line (``nguon.sha256``).

Seeding is idempotent and never overwrites what admins changed: a procedure whose
code or local key is already present is left alone unless ``overwrite`` is asked.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from trolyao.errors import InvalidRecord
from trolyao.kb.models import Dossier, Procedure, SourceRecord
from trolyao.kb.portal import FORMAT as PORTAL_FORMAT
from trolyao.kb.portal import PortalRow, merge_known, read_portal_lines
from trolyao.kb.records import ProcedureRecord, apply_record, slugify
from trolyao.kb.repository import find_procedure_id, get_procedure
from trolyao.places.models import seed_units


@dataclass
class SeedReport:
    """What a seed run did."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    dossiers_inserted: int = 0


PORTAL_FILE = "dvc_portal_records.jsonl.gz"


@functools.cache
def load_seed_records() -> tuple[ProcedureRecord, ...]:
    """The catalog's records merged with the portal's: the catalog's names, aliases and
    situations stay, the portal's facts fill in (see :func:`trolyao.kb.portal.merge_known`);
    catalog procedures the portal does not cover stay as they are.

    One procedure is one record: a catalog entry without a national code whose first
    related code is a portal record ("Cấp thẻ căn cước" → 2.000200) *is* that record, and
    merges into it. Then the team's everyday words (``everyday.jsonl``) are added."""
    raw = resources.files("trolyao.kb.data").joinpath("procedures.json").read_text("utf-8")
    catalog: list[dict[str, Any]] = [_linked(item) for item in json.loads(raw)]
    by_code = {item["ma_thu_tuc"]: item for item in catalog if item.get("ma_thu_tuc")}
    merged: dict[str, dict[str, Any]] = {}
    for row in _portal_rows():
        code = row.record["ma_thu_tuc"]  # type: ignore[index]
        merged[code] = merge_known(by_code.get(code), row.record)  # type: ignore[arg-type]
    records = [
        merged.pop(item["ma_thu_tuc"], item) if item.get("ma_thu_tuc") else item for item in catalog
    ]
    records += merged.values()
    words = everyday_words()
    return tuple(parse_record(with_everyday_words(item, words)) for item in records)


def _linked(item: dict[str, Any]) -> dict[str, Any]:
    """A catalog entry without a national code takes its first related portal code."""
    related = [c for c in item.get("thu_tuc_lien_quan") or [] if c in _portal_codes()]
    if item.get("ma_thu_tuc") or not related:
        return item
    rest = [c for c in item["thu_tuc_lien_quan"] if c != related[0]]
    return {**item, "ma_thu_tuc": related[0], "thu_tuc_lien_quan": rest}


@functools.cache
def _portal_codes() -> frozenset[str]:
    return frozenset(row.record["ma_thu_tuc"] for row in _portal_rows())  # type: ignore[index]


EVERYDAY_FILE = "everyday.jsonl"


@functools.cache
def everyday_words() -> dict[str, dict[str, Any]]:
    """The team's everyday words per procedure (by national code or local key): a short
    name, common names, situations and life events, written from each record."""
    text = resources.files("trolyao.kb.data").joinpath(EVERYDAY_FILE).read_text("utf-8")
    out: dict[str, dict[str, Any]] = {}
    for line in text.splitlines():
        if line.strip():
            item = json.loads(line)
            out[item.get("ma_thu_tuc") or item["ma_noi_bo"]] = item
    return out


def with_everyday_words(item: dict[str, Any], words: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """``item`` with the everyday words written for it added after its own (never
    replacing them): common names, situations, a short name and life events."""
    # A catalog entry merged into a portal record has words under both keys: ours first.
    extras = [words[k] for k in (item.get("ma_noi_bo"), item.get("ma_thu_tuc")) if k in words]
    if not extras:
        return item
    out = dict(item)
    for key in ("ten_goi_khac", "tinh_huong", "su_kien"):
        found = [w for extra in extras for w in extra.get(key) or []]
        out[key] = list(dict.fromkeys([*(item.get(key) or []), *found]))[:100]
    out["ten_ngan"] = item.get("ten_ngan") or extras[0].get("ten_ngan")
    return out


def parse_record(data: Any) -> ProcedureRecord:
    """Validate one record; raise :class:`InvalidRecord` naming each faulty field."""
    try:
        return ProcedureRecord.model_validate(data)
    except ValidationError as exc:
        errors = [
            {"field": ".".join(str(p) for p in err["loc"]), "message": err["msg"]}
            for err in exc.errors()
        ]
        raise InvalidRecord("Bản ghi thủ tục không hợp lệ.", errors) from exc


@functools.cache
def _portal_rows() -> tuple[PortalRow, ...]:
    """The packaged portal records, parsed (the file is clean: a bad line is skipped)."""
    packed = resources.files("trolyao.kb.data").joinpath(PORTAL_FILE)
    with packed.open("rb") as handle, gzip.open(handle) as lines:
        return tuple(row for row in read_portal_lines(lines) if row.record is not None)


def seed_sources(session: Session) -> int:
    """Keep the raw portal lines the seed was read from (by sha256); return how many new."""
    known = set(session.scalars(select(SourceRecord.sha256)))
    added = 0
    for row in _portal_rows():
        if row.sha256 in known or row.raw is None or row.record is None:
            continue
        session.add(
            SourceRecord(
                sha256=row.sha256,
                format=PORTAL_FORMAT,
                code=row.record["ma_thu_tuc"],
                url=row.record["nguon"]["url"],
                raw=row.raw,
            )
        )
        added += 1
    session.flush()
    return added


def seed_procedures(
    session: Session, records: Sequence[ProcedureRecord], *, overwrite: bool = False
) -> SeedReport:
    """Insert the procedures that are missing; with ``overwrite``, also replace the others."""
    report = SeedReport()
    for record in records:
        key = record.ma_thu_tuc or record.ma_noi_bo or slugify(record.ten_thu_tuc)
        if find_procedure_id(session, key) is None:
            session.add(apply_record(Procedure(), record))
            report.inserted += 1
        elif overwrite:
            apply_record(get_procedure(session, key, published_only=False), record)
            report.updated += 1
        else:
            report.unchanged += 1
    session.flush()
    return report


def seed_demo_dossiers(session: Session) -> int:
    """Insert the demo dossiers that are missing; return how many were inserted."""
    raw = resources.files("trolyao.kb.data").joinpath("dossiers.json").read_text("utf-8")
    existing = set(session.scalars(select(Dossier.receipt_code)))
    inserted = 0
    for item in json.loads(raw):
        if item["ma_ho_so"] in existing:
            continue
        session.add(
            Dossier(
                receipt_code=item["ma_ho_so"],
                procedure_id=find_procedure_id(session, item["ma_thu_tuc"]),
                status=item["trang_thai"],
                agency=item["co_quan"],
                received_at=dt.datetime.fromisoformat(item["ngay_tiep_nhan"]),
                due_at=_optional_time(item.get("han_xu_ly")),
                completed_at=_optional_time(item.get("ngay_hoan_thanh")),
            )
        )
        inserted += 1
    session.flush()
    return inserted


def seed_all(session: Session, *, overwrite: bool = False) -> SeedReport:
    """Seed the catalog's procedures, the demo dossiers and the province's administrative
    units (their contacts are never overwritten)."""
    report = seed_procedures(session, load_seed_records(), overwrite=overwrite)
    seed_sources(session)
    seed_units(session)
    report.dossiers_inserted = seed_demo_dossiers(session)
    return report


def _optional_time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None
