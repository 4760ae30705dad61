"""Hand-offs: a citizen who asks for an official leaves, with consent, a way to be reached,
and officials follow the case up (mới → đang xử lý → đã xong).

The contact (a phone number or an e-mail) is kept only here: the edge takes it from the
citizen's raw message before redaction, and the engine, the tracker, the broker, analytics
and logs see the placeholder. Officials see it through ``GET /api/handoffs`` (each view
audited). A case's row goes when it has been closed for ``HANDOFF_RETENTION_DAYS`` and at
the citizen's deletion request.

The dialogue: ``request_human`` opens a case and asks for consent (stage ``consent``);
"có" asks for the contact (stage ``contact``); a message carrying a contact, in either
stage within :data:`CONTACT_WINDOW`, completes it (stage ``done``); "không" keeps the case
without a contact (stage ``declined``), for officials to review the conversation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, Integer, String, Text, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from trolyao.schema import Base, check_in, utcnow

STATUSES = ("moi", "dang_xu_ly", "da_xong")
STAGES = ("consent", "contact", "done", "declined")
CONTACT_WINDOW = dt.timedelta(minutes=30)
MAX_CONTACT = 200
MAX_DESCRIPTION = 2000


class Handoff(Base):
    """One citizen's request to be helped by an official."""

    __tablename__ = "handoffs"
    __table_args__ = (
        CheckConstraint(check_in("status", STATUSES, nullable=False), name="handoff_status"),
        CheckConstraint(check_in("stage", STAGES, nullable=False), name="handoff_stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(12), default="moi", index=True)
    stage: Mapped[str] = mapped_column(String(10), default="consent")
    channel: Mapped[str] = mapped_column(String(20))
    sender_id: Mapped[str] = mapped_column(String(255), index=True)
    # Where the channel can reach the citizen again (a Telegram chat, a Zalo user), to
    # tell them the case is closed; personal data, kept here only.
    reply_to: Mapped[str | None] = mapped_column(String(255))
    contact: Mapped[str | None] = mapped_column(String(MAX_CONTACT))
    description: Mapped[str | None] = mapped_column(Text)  # redacted
    assignee: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    notified_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)


def _open_case(session: Session, sender_id: str, stages: tuple[str, ...]) -> Handoff | None:
    since = utcnow() - CONTACT_WINDOW
    return session.scalars(
        select(Handoff)
        .where(
            Handoff.sender_id == sender_id,
            Handoff.stage.in_(stages),
            Handoff.status != "da_xong",
            Handoff.created_at >= since,
        )
        .order_by(Handoff.id.desc())
        .limit(1)
    ).first()


def open_case(session: Session, sender_id: str, channel: str) -> Handoff:
    """The sender's case awaiting consent or contact, or a new one (stage ``consent``)."""
    case = _open_case(session, sender_id, ("consent", "contact"))
    if case is None:
        case = Handoff(sender_id=sender_id, channel=channel[:20], stage="consent")
        session.add(case)
        session.flush()
    return case


def answer_consent(session: Session, sender_id: str, given: bool) -> Handoff | None:
    """The citizen's "có" (then the contact is asked) or "không" (the case stays, without
    a way to reach them)."""
    case = _open_case(session, sender_id, ("consent",))
    if case is not None:
        case.stage = "contact" if given else "declined"
    return case


def record_contact(
    session: Session,
    sender_id: str,
    contact: str,
    description: str | None,
    reply_to: str | None = None,
) -> Handoff | None:
    """Attach a contact to the sender's open case (consent or contact stage, recent)."""
    case = _open_case(session, sender_id, ("consent", "contact"))
    if case is None:
        return None
    case.contact = contact[:MAX_CONTACT]
    case.description = (description or "")[:MAX_DESCRIPTION] or None
    case.reply_to = reply_to[:255] if reply_to else None
    case.stage = "done"
    return case


def contact_recorded(session: Session, sender_id: str) -> bool:
    """Whether the sender's latest case has its contact."""
    latest = session.scalars(
        select(Handoff).where(Handoff.sender_id == sender_id).order_by(Handoff.id.desc()).limit(1)
    ).first()
    return latest is not None and latest.stage == "done" and latest.contact is not None


def as_item(case: Handoff) -> dict[str, Any]:
    """The API's shape of a case."""
    return {
        "id": case.id,
        "status": case.status,
        "created_at": case.created_at.isoformat(),
        "channel": case.channel,
        "contact": case.contact,
        "description": case.description,
        "conversation_id": case.sender_id,
        "assignee": case.assignee,
        "note": case.note,
        "stage": case.stage,
        "closed_at": case.closed_at.isoformat() if case.closed_at else None,
    }


def list_cases(session: Session, status: str | None = None, limit: int = 500) -> list[Handoff]:
    """Cases, newest first, of one status or all."""
    query = select(Handoff).order_by(Handoff.id.desc()).limit(limit)
    if status:
        query = query.where(Handoff.status == status)
    return list(session.scalars(query))


def update_case(session: Session, case: Handoff, changes: dict[str, Any]) -> bool:
    """Apply ``status``, ``assignee``, ``note``; return whether the case was closed now."""
    closed_now = False
    if "status" in changes and changes["status"] != case.status:
        closed_now = changes["status"] == "da_xong"
        case.closed_at = utcnow() if closed_now else None
        case.status = changes["status"]
    if "assignee" in changes:
        case.assignee = changes["assignee"]
    if "note" in changes:
        case.note = changes["note"]
    return closed_now


def delete_sender_cases(session: Session, sender_id: str) -> int:
    """Delete every case of ``sender_id`` (the citizen's deletion request)."""
    result = session.execute(delete(Handoff).where(Handoff.sender_id == sender_id))
    return int(getattr(result, "rowcount", 0) or 0)


def purge_closed(session: Session, days: int, now: dt.datetime | None = None) -> int:
    """Delete the cases closed more than ``days`` days ago; return how many."""
    before = (now or utcnow()) - dt.timedelta(days=days)
    result = session.execute(
        delete(Handoff).where(Handoff.status == "da_xong", Handoff.closed_at < before)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def take_closed_notices(session: Session, sender_id: str) -> int:
    """How many of ``sender_id``'s web cases were closed since the citizen last came; they
    are marked as told (the web chat says so once, on the next visit)."""
    cases = session.scalars(
        select(Handoff).where(
            Handoff.sender_id == sender_id,
            Handoff.channel == "web",
            Handoff.status == "da_xong",
            Handoff.notified_at.is_(None),
        )
    ).all()
    for case in cases:
        case.notified_at = utcnow()
    return len(cases)
