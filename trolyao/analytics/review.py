"""Conversation review for officials: a filtered list, redacted transcripts, tags and notes,
the unanswered-questions inbox, and CSV exports.

Senders are never shown: a conversation carries a short pseudonymous reference instead.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Text, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from trolyao.analytics.summary import UNANSWERED_OUTCOMES, Range
from trolyao.errors import TroLyAoError
from trolyao.models import Conversation, Procedure, Turn, utcnow
from vntext import fold
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
# Words that say nothing about what was asked (folded), left out when grouping questions.
STOPWORDS = frozenset(
    """a ah ak al alo anh ban bn bao cho chi chu co cua da dang dau de di duoc em gi giup
    gium hay hoi j k khi khong ko kg la lam minh muon nao nay nhe nhi nhieu nhu o oi on
    phai ra roi sao the thi thu toi tuc va ve vs vay voi xin xem""".split()
)
GROUP_SIMILARITY = 0.5
INTENT_ATTRIBUTES = {f"ask_procedure_{name}": name for name in ATTRIBUTE_LABELS}


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


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    aware = value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    return aware.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")


@dataclass
class _Flags:
    intents: list[str] = field(default_factory=list)
    procedures: list[str] = field(default_factory=list)
    fallback: bool = False
    unanswered: bool = False
    negative_feedback: bool = False
    handoff: bool = False
    first_message: str = ""


def _flags(session: Session, ids: list[int]) -> dict[int, _Flags]:
    out: dict[int, _Flags] = {i: _Flags() for i in ids}
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


def _item(conversation: Conversation, flags: _Flags) -> dict[str, Any]:
    return {
        "id": conversation.id,
        "user_ref": user_ref(conversation.sender_id),
        "channel": conversation.channel,
        "started_at": _iso(conversation.started_at),
        "last_at": _iso(conversation.last_at),
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
    flags = _flags(session, [c.id for c in rows])
    return {
        "total": total,
        "page": page,
        "page_size": page_size,
        "items": [_item(c, flags[c.id]) for c in rows],
    }


def _procedure_names(session: Session, keys: set[str]) -> dict[str, tuple[str | None, str]]:
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
    names = _procedure_names(session, {t.procedure_key for t in turns if t.procedure_key})
    flags = _flags(session, [conversation_id])[conversation_id]
    detail = _item(conversation, flags)
    detail["reviewed_by"] = conversation.reviewed_by
    detail["reviewed_at"] = _iso(conversation.reviewed_at)
    detail["transcript"] = [
        {
            "id": t.id,
            "at": _iso(t.started_at),
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


def _group_tokens(text: str) -> frozenset[str]:
    words = re.findall(r"[a-z0-9]+", fold(clean_text(text)))
    return frozenset(w for w in words if w not in STOPWORDS and len(w) > 1)


def _similar(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return a == b
    return len(a & b) / len(a | b) >= GROUP_SIMILARITY


def unanswered_groups(
    session: Session, span: Range, *, limit: int = 50, scan: int = 5000
) -> dict[str, Any]:
    """The questions the assistant could not answer, similar ones grouped, biggest first.

    A missing fact of a known procedure (its fee is unknown, say) is grouped by procedure
    and attribute: the fix is to update that record. Questions that matched no procedure,
    or were not understood, are grouped by the words they share: the fix is to add a
    procedure or teach the assistant new phrasings.
    """
    clauses = [
        span.where(),
        Turn.outcome.in_(UNANSWERED_OUTCOMES),
    ]
    total = int(session.scalar(select(func.count()).select_from(Turn).where(*clauses)) or 0)
    rows = session.execute(
        select(
            Turn.id,
            Turn.text,
            Turn.outcome,
            Turn.procedure_key,
            Turn.attribute,
            Turn.intent,
            Turn.started_at,
            Turn.conversation_id,
        )
        .where(*clauses)
        .order_by(Turn.started_at.desc(), Turn.id.desc())
        .limit(scan)
    ).all()
    names = _procedure_names(session, {r.procedure_key for r in rows if r.procedure_key})
    groups: list[dict[str, Any]] = []
    by_fact: dict[tuple[str, str | None], dict[str, Any]] = {}
    by_words: list[tuple[frozenset[str], dict[str, Any]]] = []
    for row in reversed(rows):  # oldest first: a group's leader is its first question
        if row.outcome == "unknown_fact" and row.procedure_key:
            attribute = row.attribute or INTENT_ATTRIBUTES.get(row.intent or "")
            key = (row.procedure_key, attribute)
            group = by_fact.get(key)
            if group is None:
                code, name = names.get(row.procedure_key, (None, row.procedure_key))
                label = ATTRIBUTE_LABELS.get(attribute or "", "thông tin")
                group = _new_group(
                    "missing_fact",
                    f"Chưa có {label}: {name}",
                    row,
                    procedure={"key": row.procedure_key, "code": code, "name": name},
                    suggestion="update",
                )
                group["attribute"] = attribute
                by_fact[key] = group
                groups.append(group)
        else:
            tokens = _group_tokens(row.text)
            group = next((g for t, g in by_words if _similar(t, tokens)), None)
            if group is None:
                kind = "no_match" if row.outcome == "no_match" else "not_understood"
                group = _new_group(kind, row.text[:160], row, procedure=None, suggestion="create")
                by_words.append((tokens, group))
                groups.append(group)
        _add(group, row)
    groups.sort(key=lambda g: (g["count"], g["last_at"] or ""), reverse=True)
    return {
        "from": span.start.isoformat(),
        "to": span.end.isoformat(),
        "channel": span.channel,
        "questions": total,
        "scanned": len(rows),
        "groups": groups[:limit],
    }


def _new_group(
    kind: str, title: str, row: Any, *, procedure: dict[str, Any] | None, suggestion: str
) -> dict[str, Any]:
    return {
        "kind": kind,
        "title": title,
        "count": 0,
        "examples": [],
        "first_at": _iso(row.started_at),
        "last_at": None,
        "conversation_ids": [],
        "procedure": procedure,
        "attribute": None,
        "suggestion": suggestion,
    }


def _add(group: dict[str, Any], row: Any) -> None:
    group["count"] += 1
    group["last_at"] = _iso(row.started_at)
    text = row.text[:300]
    if text not in group["examples"] and len(group["examples"]) < 5:
        group["examples"].append(text)
    if row.conversation_id and row.conversation_id not in group["conversation_ids"]:
        group["conversation_ids"] = [row.conversation_id, *group["conversation_ids"]][:5]


def _cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_line(values: list[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([_cell(v) for v in values])
    return buffer.getvalue()


CONVERSATION_COLUMNS = [
    ("id", "Mã hội thoại"),
    ("started_at", "Bắt đầu (UTC)"),
    ("last_at", "Kết thúc (UTC)"),
    ("channel", "Kênh"),
    ("user_ref", "Người dùng (mã ẩn danh)"),
    ("turns", "Số lượt"),
    ("first_message", "Câu hỏi đầu tiên"),
    ("intents", "Ý định"),
    ("procedures", "Thủ tục"),
    ("fallback", "Không hiểu"),
    ("unanswered", "Chưa trả lời được"),
    ("negative_feedback", "Phản hồi chưa hài lòng"),
    ("handoff", "Yêu cầu gặp cán bộ"),
    ("tags", "Nhãn"),
    ("note", "Ghi chú"),
]


def conversations_csv(session: Session, where: ReviewFilter, *, page: int = 500) -> Iterator[str]:
    """Every conversation matching ``where`` as CSV (UTF-8 with BOM, for spreadsheets)."""
    yield "\ufeff" + _csv_line([label for _key, label in CONVERSATION_COLUMNS])
    clauses = where.where()
    last: tuple[dt.datetime, int] | None = None
    while True:
        query = select(Conversation).where(*clauses)
        if last is not None:
            query = query.where(
                or_(
                    Conversation.started_at < last[0],
                    and_(Conversation.started_at == last[0], Conversation.id < last[1]),
                )
            )
        rows = session.scalars(
            query.order_by(Conversation.started_at.desc(), Conversation.id.desc()).limit(page)
        ).all()
        if not rows:
            return
        flags = _flags(session, [c.id for c in rows])
        for conversation in rows:
            item = _item(conversation, flags[conversation.id])
            yield _csv_line([item[key] for key, _label in CONVERSATION_COLUMNS])
        last = (rows[-1].started_at, rows[-1].id)
        session.expunge_all()


REPORT_ROWS = [
    ("conversations", "Số cuộc hội thoại"),
    ("unique_users", "Số người dùng"),
    ("messages", "Số câu hỏi của người dân"),
    ("bot_messages", "Số tin trả lời của trợ lý ảo"),
    ("avg_turns", "Số lượt trung bình mỗi hội thoại"),
    ("answered_rate", "Tỷ lệ câu hỏi được trả lời"),
    ("fallback_rate", "Tỷ lệ không hiểu câu hỏi"),
    ("handoff_requests", "Yêu cầu gặp cán bộ"),
    ("feedback_up", "Phản hồi hài lòng"),
    ("feedback_down", "Phản hồi chưa hài lòng"),
    ("satisfaction", "Mức độ hài lòng"),
    ("response_ms_p50", "Thời gian trả lời trung vị (ms)"),
    ("response_ms_p95", "Thời gian trả lời p95 (ms)"),
    ("plan.citizens_helped", "Người dân, doanh nghiệp được trợ lý ảo hỗ trợ"),
    ("plan.catalog_procedures_answered", "Số thủ tục được hỏi và trả lời"),
    ("plan.catalog_procedures", "Số thủ tục trong danh mục"),
    ("plan.catalog_coverage", "Tỷ lệ thủ tục của danh mục được hỏi và trả lời"),
    ("plan.unanswered_questions", "Câu hỏi chưa trả lời được"),
    ("plan.online_service_links", "Lượt chỉ dẫn tới dịch vụ công trực tuyến"),
]


def report_csv(summary: dict[str, Any]) -> str:
    """The plan report: one row per measure, then messages by day (UTF-8 with BOM)."""
    lines = ["\ufeff" + _csv_line(["Mã chỉ số", "Chỉ số", "Giá trị"])]
    lines.append(_csv_line(["from", "Từ ngày", summary["from"]]))
    lines.append(_csv_line(["to", "Đến ngày", summary["to"]]))
    lines.append(_csv_line(["channel", "Kênh", summary["channel"] or "tất cả"]))
    for key, label in REPORT_ROWS:
        value: Any = summary
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        lines.append(_csv_line([key, label, value]))
    lines.append("\r\n")
    lines.append(
        _csv_line(
            ["Ngày", "Số câu hỏi", "Số người dùng", "Không hiểu", "Hài lòng", "Chưa hài lòng"]
        )
    )
    for day in summary["by_day"]:
        lines.append(
            _csv_line(
                [
                    day["date"],
                    day["messages"],
                    day["unique_users"],
                    day["fallbacks"],
                    day["feedback_up"],
                    day["feedback_down"],
                ]
            )
        )
    return "".join(lines)


__all__ = [
    "ReviewError",
    "ReviewFilter",
    "conversation_detail",
    "conversations_csv",
    "list_conversations",
    "report_csv",
    "unanswered_groups",
    "update_review",
    "user_ref",
]
