"""The unanswered-questions inbox: a missing fact grouped by procedure and attribute
("update this procedure"), other failed questions grouped by the words they share
("create a procedure")."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trolyao.analytics.models import Turn
from trolyao.analytics.review import ATTRIBUTE_LABELS, procedure_names
from trolyao.analytics.summary import UNANSWERED_OUTCOMES, Range
from trolyao.schema import iso
from vntext import fold
from vntext.normalize import clean_text

STOPWORDS = frozenset(
    """a ah ak al alo anh ban bn bao cho chi chu co cua da dang dau de di duoc em gi giup
    gium hay hoi j k khi khong ko kg la lam minh muon nao nay nhe nhi nhieu nhu o oi on
    phai ra roi sao the thi thu toi tuc va ve vs vay voi xin xem""".split()
)


GROUP_SIMILARITY = 0.5


INTENT_ATTRIBUTES = {f"ask_procedure_{name}": name for name in ATTRIBUTE_LABELS}


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
    names = procedure_names(session, {r.procedure_key for r in rows if r.procedure_key})
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
        "first_at": iso(row.started_at),
        "last_at": None,
        "conversation_ids": [],
        "procedure": procedure,
        "attribute": None,
        "suggestion": suggestion,
    }


def _add(group: dict[str, Any], row: Any) -> None:
    group["count"] += 1
    group["last_at"] = iso(row.started_at)
    text = row.text[:300]
    if text not in group["examples"] and len(group["examples"]) < 5:
        group["examples"].append(text)
    if row.conversation_id and row.conversation_id not in group["conversation_ids"]:
        group["conversation_ids"] = [row.conversation_id, *group["conversation_ids"]][:5]
