"""Knowledge-base administration: versions, the draft → published workflow, retire and
restore, rollback, diffs, optimistic concurrency and the audit log.

Every save is a new, immutable row of ``procedure_versions`` (the whole record in the
national database's shape). Publishing copies a version into the live ``procedures`` row,
which the bot and the public API read; the knowledge base's revision moves in the same
transaction, so the next answer and the next search use it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from trolyao.audit import audit
from trolyao.errors import InvalidRecord, NotFound, ProcedureNotFound, TroLyAoError
from trolyao.kb.changes import diff, for_audit
from trolyao.kb.models import Procedure, ProcedureVersion
from trolyao.kb.records import ProcedureRecord, apply_record, slugify, to_record
from trolyao.kb.repository import get_procedure
from trolyao.kb.validation import EditableRecord, KeyMismatch, record_json, validate
from trolyao.schema import iso, utcnow

STATUSES = ("draft", "published", "retired")


class VersionConflict(TroLyAoError):
    """The record changed since the editor loaded it."""

    def __init__(self, current: int, by: str | None, at: dt.datetime | None) -> None:
        super().__init__(
            f"Thủ tục đã được {by or 'người khác'} sửa (phiên bản {current}) sau khi bạn mở. "
            "Hãy tải lại, xem thay đổi rồi sửa tiếp."
        )
        self.current = current
        self.by = by
        self.at = at


class VersionRequired(TroLyAoError):
    """An update did not say which version it was based on."""


@dataclass
class Current:
    """Where a procedure stands: its live row (if published once) and latest version."""

    slug: str
    live: Procedure | None
    latest: ProcedureVersion | None

    @property
    def version(self) -> int:
        if self.latest is not None:
            return self.latest.version
        return self.live.version if self.live is not None else 0


def locate(session: Session, key: str) -> Current | None:
    """Find a procedure by national code or local key: live, draft-only, or retired."""
    key = key.strip().lower()[:200]
    try:
        live: Procedure | None = get_procedure(session, key, published_only=False)
    except NotFound:
        live = None
    slug = live.slug if live is not None else None
    if slug is None:
        slug = session.scalar(
            select(ProcedureVersion.procedure_key)
            .where(or_(ProcedureVersion.procedure_key == key, ProcedureVersion.code == key))
            .order_by(ProcedureVersion.version.desc())
            .limit(1)
        )
    if slug is None:
        return None
    latest = session.scalars(
        select(ProcedureVersion)
        .where(ProcedureVersion.procedure_key == slug)
        .order_by(ProcedureVersion.version.desc())
        .limit(1)
    ).first()
    return Current(slug=slug, live=live, latest=latest)


def editable(session: Session, key: str) -> dict[str, Any]:
    """The editable record of ``key``: its latest version (a pending draft included)."""
    current = locate(session, key)
    if current is None:
        raise ProcedureNotFound(key[:50])
    if current.latest is not None:
        record = dict(current.latest.record)
        status = current.latest.status
        updated_at, updated_by = current.latest.created_at, current.latest.created_by
    else:
        assert current.live is not None
        record = record_json(to_record(current.live))
        status = current.live.status
        updated_at, updated_by = current.live.updated_at, None
    return {
        **record,
        "status": status,
        "version": current.version,
        "ghi_chu_thay_doi": None,
        "cap_nhat_luc": iso(updated_at),
        "cap_nhat_boi": updated_by,
        "phien_ban_dang_ap_dung": current.live.version
        if current.live is not None and current.live.status == "published"
        else None,
    }


def save(
    session: Session,
    key: str | None,
    data: Any,
    *,
    user: str,
    expected: int | None = None,
    action: str | None = None,
    require_version: bool = True,
    quiet: bool = False,
) -> tuple[dict[str, Any], bool]:
    """Save ``data`` as a new version of ``key`` (None: a new procedure).

    ``status`` decides what happens: ``draft`` keeps it for review, ``published`` puts it
    live at once, ``retired`` takes it away from citizens. Returns the editable record
    and whether the procedure was created.

    Raises:
        InvalidRecord: the record does not fit the shape (every bad field is named).
        VersionConflict: someone saved another version since ``version`` / ``expected``.
        VersionRequired: an existing procedure was updated without saying its version.
    """
    edit = validate(data)
    current = locate(session, key) if key else None
    if current is None and key:
        # A new procedure at an address of its choosing: the record must carry that key.
        wanted = key.strip().lower()
        if wanted not in (edit.ma_thu_tuc, edit.ma_noi_bo):
            raise KeyMismatch(
                "Mã trong hồ sơ không khớp địa chỉ.",
                [
                    {
                        "field": "ma_thu_tuc",
                        "message": f"Phải là '{wanted[:50]}' (mã trong địa chỉ).",
                    }
                ],
            )
    if current is None:
        clash = locate(session, edit.ma_thu_tuc) if edit.ma_thu_tuc else None
        if clash is None and edit.ma_noi_bo and locate(session, edit.ma_noi_bo) is not None:
            clash = locate(session, edit.ma_noi_bo)
        if clash is not None:
            raise InvalidRecord(
                "Đã có thủ tục với mã này.",
                [
                    {
                        "field": "ma_thu_tuc" if edit.ma_thu_tuc else "ma_noi_bo",
                        "message": "Đã tồn tại; hãy sửa thủ tục đó.",
                    }
                ],
            )
        slug = edit.ma_noi_bo or _free_slug(session, slugify(edit.ten_thu_tuc))
        current = Current(slug=slug, live=None, latest=None)
        created = True
    else:
        created = False
        based_on = expected if expected is not None else edit.version
        if based_on is None and require_version:
            raise VersionRequired(
                'Cần gửi kèm phiên bản đang sửa (trường "version" hoặc tiêu đề If-Match).'
            )
        if based_on is not None and based_on != current.version:
            latest = current.latest
            raise VersionConflict(
                current.version,
                latest.created_by if latest else None,
                latest.created_at if latest else None,
            )
        live_code = (
            current.live.code if current.live else (current.latest.code if current.latest else None)
        )
        if live_code and edit.ma_thu_tuc != live_code:
            raise KeyMismatch(
                "Không đổi được mã thủ tục của một thủ tục đã có.",
                [
                    {
                        "field": "ma_thu_tuc",
                        "message": f"Phải giữ '{live_code}'. Để thay thế, tạo thủ tục mới "
                        "và ghi 'thay_the_boi'.",
                    }
                ],
            )
        if edit.ma_thu_tuc and not live_code:
            other = locate(session, edit.ma_thu_tuc)
            if other is not None and other.slug != current.slug:
                raise InvalidRecord(
                    "Đã có thủ tục với mã này.",
                    [{"field": "ma_thu_tuc", "message": "Mã này thuộc một thủ tục khác."}],
                )
        if current.latest is None and current.live is not None:
            _baseline(session, current)
    previous = (
        dict(current.latest.record)
        if current.latest is not None
        else (record_json(to_record(current.live)) if current.live is not None else None)
    )
    default_action = "create" if created else _STATUS_ACTIONS[edit.status]
    _write_version(
        session,
        current,
        edit,
        current.version + 1,
        previous=previous,
        user=user,
        action=action or default_action,
    )
    session.flush()
    return ({} if quiet else editable(session, current.slug)), created


def create_known_new(
    session: Session, edit: EditableRecord, slug: str, *, user: str, action: str
) -> None:
    """Add a procedure the caller has checked is new (bulk import): no look-ups, so that
    thousands are written in a few batched statements."""
    current = Current(slug=slug, live=None, latest=None)
    _write_version(session, current, edit, 1, previous=None, user=user, action=action)


def update_known(
    session: Session,
    *,
    slug: str,
    live: Procedure | None,
    edit: EditableRecord,
    latest_version: int,
    baseline: dict[str, Any] | None,
    previous: dict[str, Any],
    user: str,
    action: str,
) -> None:
    """A new version of a procedure whose state the caller has read (bulk import)."""
    if baseline is not None and live is not None:
        session.add(_baseline_row(slug, live, baseline))
    current = Current(slug=slug, live=live, latest=None)
    _write_version(
        session, current, edit, latest_version + 1, previous=previous, user=user, action=action
    )


_STATUS_ACTIONS = {"draft": "save_draft", "published": "publish", "retired": "retire"}


def _write_version(
    session: Session,
    current: Current,
    edit: EditableRecord,
    number: int,
    *,
    previous: dict[str, Any] | None,
    user: str,
    action: str,
) -> None:
    """Store version ``number`` of ``edit``, make the live row follow it, audit it."""
    stored = record_json(edit)
    stored["ma_noi_bo"] = current.slug
    version = ProcedureVersion(
        procedure_key=current.slug,
        code=edit.ma_thu_tuc,
        version=number,
        status=edit.status,
        record=stored,
        note=edit.ghi_chu_thay_doi,
        created_by=user,
        created_at=utcnow(),
    )
    session.add(version)
    _apply_status(session, current, version)
    changes = diff(previous, stored) if previous is not None else []
    audit(
        session,
        user,
        action,
        edit.ma_thu_tuc or current.slug,
        number,
        {
            "status": edit.status,
            "fields": sorted({c["path"].split(".")[0] for c in changes}),
            "changes": for_audit(changes),
            "changed": len(changes),
            "note": edit.ghi_chu_thay_doi,
        },
    )


def _baseline_row(slug: str, live: Procedure, record: dict[str, Any]) -> ProcedureVersion:
    """The live row as a version, before its first edit (seeded procedures)."""
    return ProcedureVersion(
        procedure_key=slug,
        code=live.code,
        version=live.version,
        status=live.status,
        record=record,
        note="Phiên bản ban đầu (trước khi sửa trên trang quản trị)",
        created_by="he-thong",
        created_at=live.updated_at or utcnow(),
    )


def _free_slug(session: Session, base: str) -> str:
    """``base``, or ``base-2``, ``base-3``… when another procedure has it."""
    slug, n = base, 1
    while locate(session, slug) is not None:
        n += 1
        slug = f"{base[:190]}-{n}"
    return slug


def _baseline(session: Session, current: Current) -> None:
    """Record the live row as version N before the first edit (seeded procedures)."""
    assert current.live is not None
    baseline = _baseline_row(current.slug, current.live, record_json(to_record(current.live)))
    session.add(baseline)
    session.flush()
    current.latest = baseline


def _apply_status(
    session: Session, current: Current, version: ProcedureVersion
) -> Procedure | None:
    """Make the live row follow a published or retired version; drafts leave it alone."""
    if version.status == "draft":
        return current.live
    record = ProcedureRecord.model_validate(version.record)
    live = current.live
    if live is None:
        live = Procedure()
        session.add(live)
    apply_record(live, record)
    live.slug = current.slug
    live.status = version.status
    live.version = version.version
    live.updated_at = utcnow()
    current.live = live
    return live


def publish(session: Session, key: str, version: int, *, user: str) -> dict[str, Any]:
    """Publish the latest version (typically a draft) as it is."""
    return _copy(session, key, version, "published", user=user, action="publish")


def retire(session: Session, key: str, version: int, *, user: str) -> dict[str, Any]:
    """Take a procedure away from citizens (it stays, with its history)."""
    return _copy(session, key, version, "retired", user=user, action="retire")


def restore(session: Session, key: str, version: int, *, user: str) -> dict[str, Any]:
    """Bring a retired procedure back to citizens."""
    return _copy(session, key, version, "published", user=user, action="restore")


def rollback(
    session: Session, key: str, to_version: int, expected: int, *, user: str
) -> dict[str, Any]:
    """Publish, as a new version, the record of an earlier version."""
    current = locate(session, key)
    if current is None:
        raise ProcedureNotFound(key[:50])
    old = session.scalars(
        select(ProcedureVersion).where(
            ProcedureVersion.procedure_key == current.slug, ProcedureVersion.version == to_version
        )
    ).first()
    if old is None:
        raise NotFound(f"Không có phiên bản {to_version}.")
    data = {**old.record, "status": "published", "version": expected,
            "ghi_chu_thay_doi": f"Khôi phục phiên bản {to_version}"}  # fmt: skip
    record, _ = save(session, key, data, user=user, action="rollback")
    return record


def _copy(
    session: Session, key: str, expected: int, status: str, *, user: str, action: str
) -> dict[str, Any]:
    record = editable(session, key)
    data = {
        k: v
        for k, v in record.items()
        if k not in ("cap_nhat_luc", "cap_nhat_boi", "phien_ban_dang_ap_dung")
    }
    data.update(status=status, version=expected, ghi_chu_thay_doi=None)
    saved, _ = save(session, key, data, user=user, action=action)
    return saved
