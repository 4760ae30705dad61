"""Reading the history of procedures: every version, one version, field-by-field diffs, and
the admin list of procedures with their drafts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trolyao.errors import NotFound, ProcedureNotFound
from trolyao.kb.admin import locate
from trolyao.kb.models import Procedure, ProcedureVersion
from trolyao.kb.records import to_record
from trolyao.kb.validation import record_json
from trolyao.schema import iso
from vntext import fold


def history(session: Session, key: str) -> list[dict[str, Any]]:
    """Every version of ``key``, newest first."""
    current = locate(session, key)
    if current is None:
        raise ProcedureNotFound(key[:50])
    rows = session.scalars(
        select(ProcedureVersion)
        .where(ProcedureVersion.procedure_key == current.slug)
        .order_by(ProcedureVersion.version.desc())
    ).all()
    if not rows and current.live is not None:
        return [
            {
                "version": current.live.version,
                "status": current.live.status,
                "created_by": None,
                "created_at": iso(current.live.updated_at),
                "note": "Phiên bản ban đầu",
                "live": current.live.status == "published",
            }
        ]
    live = (
        current.live.version
        if current.live is not None and current.live.status == "published"
        else None
    )
    return [
        {
            "version": r.version,
            "status": r.status,
            "created_by": r.created_by,
            "created_at": iso(r.created_at),
            "note": r.note,
            "live": r.version == live,
        }
        for r in rows
    ]


def version_record(session: Session, key: str, number: int) -> dict[str, Any]:
    """The record of one version."""
    current = locate(session, key)
    if current is None:
        raise ProcedureNotFound(key[:50])
    row = session.scalars(
        select(ProcedureVersion).where(
            ProcedureVersion.procedure_key == current.slug, ProcedureVersion.version == number
        )
    ).first()
    if row is None:
        if current.latest is None and current.live is not None and number == current.live.version:
            return record_json(to_record(current.live))
        raise NotFound(f"Không có phiên bản {number}.")
    return dict(row.record)


def list_procedures(
    session: Session,
    *,
    q: str | None = None,
    status: str | None = None,
    field: str | None = None,
    page: int = 1,
    page_size: int = 50,
) -> dict[str, Any]:
    """Procedures for the admin list: live ones and draft-only new ones, filtered."""
    latest = (
        select(ProcedureVersion.procedure_key, func.max(ProcedureVersion.version).label("v"))
        .group_by(ProcedureVersion.procedure_key)
        .subquery()
    )
    heads = {
        r.procedure_key: r
        for r in session.scalars(
            select(ProcedureVersion).join(
                latest,
                (ProcedureVersion.procedure_key == latest.c.procedure_key)
                & (ProcedureVersion.version == latest.c.v),
            )
        )
    }
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    for p in session.scalars(select(Procedure).order_by(Procedure.field, Procedure.name)):
        head = heads.get(p.slug)
        seen.add(p.slug)
        items.append(
            {
                "key": p.key,
                "code": p.code,
                "name": p.name,
                "field": p.field,
                "status": p.status,
                "version": head.version if head else p.version,
                "published_version": p.version if p.status == "published" else None,
                "has_draft": bool(head and head.status == "draft"),
                "updated_at": iso(head.created_at if head else p.updated_at),
                "updated_by": head.created_by if head else None,
            }
        )
    for slug, head in heads.items():
        if slug in seen:
            continue
        items.append(
            {
                "key": head.code or slug,
                "code": head.code,
                "name": str(head.record.get("ten_thu_tuc", slug)),
                "field": str(head.record.get("linh_vuc", "")),
                "status": head.status,
                "version": head.version,
                "published_version": None,
                "has_draft": head.status == "draft",
                "updated_at": iso(head.created_at),
                "updated_by": head.created_by,
            }
        )
    if q:
        needle = fold(q.strip())
        items = [
            i
            for i in items
            if needle in fold(i["name"]) or needle in (i["code"] or "") or needle in i["key"]
        ]
    if status == "draft":
        items = [i for i in items if i["has_draft"]]
    elif status:
        items = [i for i in items if i["status"] == status]
    if field:
        items = [i for i in items if i["field"] == field]
    fields = sorted({i["field"] for i in items if i["field"]})
    total = len(items)
    start = (page - 1) * page_size
    return {
        "total": total,
        "page": page,
        "page_size": page_size,
        "fields": fields,
        "items": items[start : start + page_size],
    }
