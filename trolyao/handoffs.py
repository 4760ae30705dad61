"""Hand-offs: a citizen who asks for an official leaves, with consent, a way to be reached,
and officials follow the case up (mới → đang xử lý → đã xong).

The contact (a phone number or an e-mail) is kept only here: the edge takes it from the
citizen's raw message before redaction, and the engine, the tracker, the broker, analytics
and logs see the placeholder. Officials see it through ``GET /api/handoffs``: in full only
the case's assignee and admins (each view audited), masked for everyone else
(:func:`masked`). A case's row goes when it has been closed, or opened without being
closed, for ``HANDOFF_RETENTION_DAYS``, and at the citizen's deletion request. A
conversation has at most one open case, and one client address opens at most
:data:`MAX_NEW_CASES_PER_HOUR` (the edge passes a keyed hash of it, never the address).

The dialogue: ``request_human`` opens a case and asks for consent (stage ``consent``);
"có" asks for the contact (stage ``contact``); a message carrying a contact, in either
stage within :data:`CONTACT_WINDOW`, completes it (stage ``done``); "không" keeps the case
without a contact (stage ``declined``), for officials to review the conversation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, Integer, String, Text, delete, func, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from trolyao.schema import Base, check_in, utcnow

STATUSES = ("moi", "dang_xu_ly", "da_xong")
STAGES = ("consent", "contact", "done", "declined")
CONTACT_WINDOW = dt.timedelta(minutes=30)
MAX_CONTACT = 200
MAX_DESCRIPTION = 2000
#: New cases one client address may open in an hour (a script with many session ids cannot
#: flood the officials' queue); beyond it the citizen gets the help desk's contact.
MAX_NEW_CASES_PER_HOUR = 3


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
    # A keyed hash of the client address that opened it (the edge's), to limit new cases
    # per address; never the address itself.
    client_key: Mapped[str | None] = mapped_column(String(32), index=True)


def _open_case(session: Session, sender_id: str, stages: tuple[str, ...]) -> Handoff | None:
    since = utcnow() - CONTACT_WINDOW
    return session.scalars(
        select(Handoff)
        .where(
            Handoff.sender_id == sender_id,
            Handoff.stage.in_(stages),
            Handoff.status != "da_xong",
            Handoff.updated_at >= since,
        )
        .order_by(Handoff.id.desc())
        .limit(1)
    ).first()


class TooManyCases(Exception):
    """The client address opened :data:`MAX_NEW_CASES_PER_HOUR` cases within the hour."""


def open_case(
    session: Session, sender_id: str, channel: str, client_key: str | None = None
) -> Handoff:
    """The conversation's open case (asked again: back to the consent stage), or a new one.

    At most one open case per conversation; a new one only while ``client_key`` opened
    fewer than :data:`MAX_NEW_CASES_PER_HOUR` in the last hour (else :class:`TooManyCases`).
    """
    case = session.scalars(
        select(Handoff)
        .where(Handoff.sender_id == sender_id, Handoff.status != "da_xong")
        .order_by(Handoff.id.desc())
        .limit(1)
    ).first()
    if case is not None:
        if case.stage != "consent":
            case.stage = "consent"
        case.updated_at = utcnow()
        session.flush()
        return case
    if client_key:
        recent = session.scalar(
            select(func.count())
            .select_from(Handoff)
            .where(
                Handoff.client_key == client_key,
                Handoff.created_at >= utcnow() - dt.timedelta(hours=1),
            )
        )
        if int(recent or 0) >= MAX_NEW_CASES_PER_HOUR:
            raise TooManyCases
    case = Handoff(
        sender_id=sender_id, channel=channel[:20], stage="consent", client_key=client_key
    )
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


def masked(contact: str) -> str:
    """A contact as those who have not taken the case see it: enough to tell two apart,
    not enough to call ("09•• ••• •78", "a•••@•••")."""
    if "@" in contact:
        return contact[:1] + "•••@•••"
    digits = [c for c in contact if c.isdigit()]
    if len(digits) < 6:
        return "•••"
    return f"{''.join(digits[:2])}•• ••• •{''.join(digits[-2:])}"


def may_see_contact(case: Handoff, username: str, is_admin: bool) -> bool:
    """Whether ``username`` sees the case's contact in full: its assignee, and admins."""
    return is_admin or (case.assignee is not None and case.assignee == username)


def as_item(
    case: Handoff, *, contact_shown: bool = True, conversation: int | None = None
) -> dict[str, Any]:
    """The API's shape of a case: no sender id; the contact in full or masked; the
    analytics conversation in which it was opened (its transcript on the staff pages)."""
    contact = case.contact
    if contact and not contact_shown:
        contact = masked(contact)
    return {
        "id": case.id,
        "status": case.status,
        "created_at": case.created_at.isoformat(),
        "channel": case.channel,
        "contact": contact,
        "contact_masked": bool(case.contact) and not contact_shown,
        "description": case.description,
        "conversation": conversation,
        "conversation_url": f"/dashboard/conversations/{conversation}" if conversation else None,
        "assignee": case.assignee,
        "note": case.note,
        "stage": case.stage,
        "closed_at": case.closed_at.isoformat() if case.closed_at else None,
    }


def list_cases(
    session: Session, status: str | None = None, limit: int = 50, before: int | None = None
) -> list[Handoff]:
    """Cases, newest first, of one status or all; a page of ``limit`` older than id
    ``before`` (keyset paging)."""
    query = select(Handoff).order_by(Handoff.id.desc()).limit(limit)
    if status:
        query = query.where(Handoff.status == status)
    if before is not None:
        query = query.where(Handoff.id < before)
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
    """Delete the cases closed more than ``days`` days ago, and those opened more than
    ``days`` days ago and never closed (their contact must not stay forever either);
    return how many."""
    before = (now or utcnow()) - dt.timedelta(days=days)
    result = session.execute(
        delete(Handoff).where(
            or_(
                (Handoff.status == "da_xong") & (Handoff.closed_at < before),
                (Handoff.status != "da_xong") & (Handoff.created_at < before),
            )
        )
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
