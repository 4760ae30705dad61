"""Conversation review for officials: a filtered list, redacted transcripts, tags and notes
(the inbox is :mod:`.inbox`, the CSV exports :mod:`.reports`).

Senders are never shown: a conversation carries a short pseudonymous reference instead.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Text, cast, func, or_, select
from sqlalchemy.orm import Session

from trolyao.analytics.models import Conversation, Turn
from trolyao.analytics.summary import UNANSWERED_OUTCOMES, Range
from trolyao.errors import TroLyAoError
from trolyao.kb.models import Procedure
from trolyao.schema import iso, utcnow
from vntext.normalize import clean_text

MAX_TAGS = 20


MAX_TAG = 40


MAX_NOTE = 2000


TAG_RE = re.compile(r"^[\w .\-]+$", re.UNICODE)


ATTRIBUTE_LABELS = {
    "overview": "thông tin chung",
    "documents": "thành phần hồ sơ",
    "fee": "phí, lệ phí",
    "duration": "thời hạn giải quyết",
    "place": "nơi nộp",
    "steps": "trình tự thực hiện",
    "online": "nộp trực tuyến",
    "requirements": "điều kiện",
}


class ReviewError(TroLyAoError):
    """A review change was refused (``field`` names what was wrong)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ReviewFilter:
    """Which conversations to list: a date range and channel, and what happened in them."""

    span: Range
    intent: str | None = None
    procedure: str | None = None
    fallback: bool | None = None
    unanswered: bool | None = None
    negative_feedback: bool | None = None
    handoff: bool | None = None
    tag: str | None = None

    def where(self) -> list[Any]:
        lower = dt.datetime.combine(self.span.start, dt.time.min, tzinfo=dt.timezone.utc)
        upper = dt.datetime.combine(
            self.span.end + dt.timedelta(days=1), dt.time.min, tzinfo=dt.timezone.utc
        )
        clauses: list[Any] = [Conversation.started_at >= lower, Conversation.started_at < upper]
        if self.span.channel:
            clauses.append(Conversation.channel == self.span.channel)

        def has(*conditions: Any) -> Any:
            return (
                select(Turn.id).where(Turn.conversation_id == Conversation.id, *conditions).exists()
            )

        if self.intent:
            clauses.append(has(Turn.intent == self.intent))
        if self.procedure:
            clauses.append(has(Turn.procedure_key == self.procedure))
        for flag, condition in (
            (self.fallback, Turn.outcome == "fallback"),
            (self.unanswered, Turn.outcome.in_(UNANSWERED_OUTCOMES)),
            (self.negative_feedback, Turn.feedback == "down"),
            (self.handoff, Turn.handoff.is_(True)),
        ):
            if flag is True:
                clauses.append(has(condition))
            elif flag is False:
                clauses.append(~has(condition))
        if self.tag:
            # Tags are a short JSON list of clean, lower-case tags: match the quoted tag.
            wanted = json.dumps(clean_text(self.tag).lower())
            clauses.append(cast(Conversation.tags, Text).contains(wanted, autoescape=True))
        return clauses


def user_ref(sender_id: str) -> str:
    """A short, stable, pseudonymous reference to a sender (never the id itself)."""
    return hashlib.sha256(f"trolyao-review:{sender_id}".encode()).hexdigest()[:10]


@dataclass
class ConversationFlags:
    intents: list[str] = field(default_factory=list)
    procedures: list[str] = field(default_factory=list)
    fallback: bool = False
    unanswered: bool = False
    negative_feedback: bool = False
    handoff: bool = False
    first_message: str = ""


def conversation_flags(session: Session, ids: list[int]) -> dict[int, ConversationFlags]:
    out: dict[int, ConversationFlags] = {i: ConversationFlags() for i in ids}
    if not ids:
        return out
    for row in session.execute(
        select(
            Turn.conversation_id,
            Turn.intent,
            Turn.procedure_key,
            Turn.outcome,
            Turn.feedback,
            Turn.handoff,
            Turn.text,
        )
        .where(Turn.conversation_id.in_(ids))
        .order_by(Turn.conversation_id, Turn.started_at, Turn.id)
    ):
        flags = out[row.conversation_id]
        if not flags.first_message:
            flags.first_message = row.text[:160]
        if row.intent and row.intent not in flags.intents:
            flags.intents.append(row.intent)
        if row.procedure_key and row.procedure_key not in flags.procedures:
            flags.procedures.append(row.procedure_key)
        flags.fallback |= row.outcome == "fallback"
        flags.unanswered |= row.outcome in UNANSWERED_OUTCOMES
        flags.negative_feedback |= row.feedback == "down"
        flags.handoff |= bool(row.handoff)
    return out


def conversation_item(conversation: Conversation, flags: ConversationFlags) -> dict[str, Any]:
    return {
        "id": conversation.id,
        "user_ref": user_ref(conversation.sender_id),
        "channel": conversation.channel,
        "started_at": iso(conversation.started_at),
        "last_at": iso(conversation.last_at),
        "turns": conversation.turn_count,
        "first_message": flags.first_message,
        "intents": flags.intents,
        "procedures": flags.procedures,
        "fallback": flags.fallback,
        "unanswered": flags.unanswered,
        "negative_feedback": flags.negative_feedback,
        "handoff": flags.handoff,
        "tags": list(conversation.tags or []),
        "note": conversation.note,
    }


def list_conversations(
    session: Session, where: ReviewFilter, *, page: int = 1, page_size: int = 50
) -> dict[str, Any]:
    """One page of the conversations matching ``where``, newest first."""
    clauses = where.where()
    total = int(session.scalar(select(func.count()).select_from(Conversation).where(*clauses)) or 0)
    rows = session.scalars(
        select(Conversation)
        .where(*clauses)
        .order_by(Conversation.started_at.desc(), Conversation.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    flags = conversation_flags(session, [c.id for c in rows])
    names = procedure_names(session, {k for f in flags.values() for k in f.procedures})
    items = []
    for conversation in rows:
        item = conversation_item(conversation, flags[conversation.id])
        # names, not codes, for people (the codes stay for filters and links)
        item["procedure_names"] = [
            names.get(key, (None, key))[1] or key for key in item["procedures"]
        ]
        items.append(item)
    return {"total": total, "page": page, "page_size": page_size, "items": items}


def procedure_names(session: Session, keys: set[str]) -> dict[str, tuple[str | None, str]]:
    if not keys:
        return {}
    found: dict[str, tuple[str | None, str]] = {}
    for code, slug, name in session.execute(
        select(Procedure.code, Procedure.slug, Procedure.name).where(
            or_(Procedure.code.in_(keys), Procedure.slug.in_(keys))
        )
    ):
        for key in (code, slug):
            if key in keys:
                found[key] = (code, name)
    return found


def conversation_detail(session: Session, conversation_id: int) -> dict[str, Any] | None:
    """A conversation with its redacted transcript, or None."""
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        return None
    turns = session.scalars(
        select(Turn)
        .where(Turn.conversation_id == conversation_id)
        .order_by(Turn.started_at, Turn.id)
    ).all()
    names = procedure_names(session, {t.procedure_key for t in turns if t.procedure_key})
    flags = conversation_flags(session, [conversation_id])[conversation_id]
    detail = conversation_item(conversation, flags)
    detail["reviewed_by"] = conversation.reviewed_by
    detail["reviewed_at"] = iso(conversation.reviewed_at)
    detail["transcript"] = [
        {
            "id": t.id,
            "at": iso(t.started_at),
            "text": t.text,
            "intent": t.intent,
            "confidence": round(t.confidence, 3) if t.confidence is not None else None,
            "outcome": t.outcome,
            "response": t.response,
            "reply": t.reply,
            "procedure_key": t.procedure_key,
            "procedure_code": names.get(t.procedure_key or "", (None, ""))[0],
            "procedure_name": names.get(t.procedure_key or "", (None, None))[1],
            "attribute": t.attribute,
            "feedback": t.feedback,
            "handoff": t.handoff,
            "response_ms": t.response_ms,
        }
        for t in turns
    ]
    return detail


def clean_tags(tags: list[str]) -> list[str]:
    """Tags as stored: trimmed, lower-case, unique, each checked."""
    out: list[str] = []
    if len(tags) > MAX_TAGS:
        raise ReviewError(f"Tối đa {MAX_TAGS} nhãn.", "tags")
    for raw in tags:
        tag = clean_text(raw).lower()
        if not tag:
            continue
        if len(tag) > MAX_TAG or not TAG_RE.match(tag):
            raise ReviewError(
                f"Nhãn chỉ gồm chữ, số, dấu cách, . _ - (tối đa {MAX_TAG} ký tự): {tag[:50]!r}",
                "tags",
            )
        if tag not in out:
            out.append(tag)
    return out


def update_review(
    session: Session,
    conversation_id: int,
    *,
    tags: list[str] | None,
    note: str | None,
    note_given: bool,
    reviewer: str,
) -> dict[str, Any] | None:
    """Set a conversation's tags and/or note; return its detail (None if it does not exist)."""
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        return None
    if tags is not None:
        conversation.tags = clean_tags(tags)
    if note_given:
        text = (note or "").replace("\r\n", "\n").strip()
        if len(text) > MAX_NOTE:
            raise ReviewError(f"Ghi chú tối đa {MAX_NOTE} ký tự.", "note")
        text = "".join(ch for ch in text if ch in "\n\t" or ch.isprintable())
        conversation.note = text or None
    conversation.reviewed_by = reviewer
    conversation.reviewed_at = utcnow()
    session.flush()
    return conversation_detail(session, conversation_id)
