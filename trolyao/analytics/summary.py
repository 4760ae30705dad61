"""The officials' summary: usage, quality and the plan's measures over a date range."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Date, and_, case, cast, distinct, func, or_, select
from sqlalchemy.orm import Session

from trolyao.models import Procedure, Turn

SESSION_GAP = dt.timedelta(minutes=60)  # as Rasa's session_config: a new conversation
QUESTION_OUTCOMES = (
    "answered",
    "unknown_fact",
    "no_match",
    "ambiguous",
    "fallback",
    "out_of_scope",
)
UNANSWERED_OUTCOMES = ("unknown_fact", "no_match", "fallback")


@dataclass(frozen=True)
class Range:
    """A date range [start, end] (inclusive, UTC days) and an optional channel."""

    start: dt.date
    end: dt.date
    channel: str | None = None

    def where(self) -> Any:
        lower = dt.datetime.combine(self.start, dt.time.min, tzinfo=dt.timezone.utc)
        upper = dt.datetime.combine(
            self.end + dt.timedelta(days=1), dt.time.min, tzinfo=dt.timezone.utc
        )
        clause = and_(Turn.started_at >= lower, Turn.started_at < upper)
        return and_(clause, Turn.channel == self.channel) if self.channel else clause


def _day(session: Session) -> Any:
    if session.get_bind().dialect.name == "sqlite":
        return func.date(Turn.started_at)
    return cast(func.timezone("UTC", Turn.started_at), Date)


def _percentile(session: Session, where: Any, q: float) -> int | None:
    n = session.scalar(select(func.count()).where(where, Turn.response_ms.is_not(None)))
    if not n:
        return None
    offset = int(q * (n - 1) + 0.5)
    value = session.scalar(
        select(Turn.response_ms)
        .where(where, Turn.response_ms.is_not(None))
        .order_by(Turn.response_ms)
        .offset(offset)
        .limit(1)
    )
    return int(value) if value is not None else None


def summary(session: Session, span: Range, top: int = 10) -> dict[str, Any]:
    """Every figure of the dashboard's summary for ``span``."""
    where = span.where()
    previous = func.lag(Turn.started_at).over(partition_by=Turn.sender_id, order_by=Turn.started_at)
    starts = select(Turn.started_at.label("at"), previous.label("before")).where(where).subquery()
    gap_seconds = SESSION_GAP.total_seconds()
    if session.get_bind().dialect.name == "sqlite":
        new_session = or_(
            starts.c.before.is_(None),
            (func.julianday(starts.c.at) - func.julianday(starts.c.before)) * 86400 > gap_seconds,
        )
    else:
        new_session = or_(
            starts.c.before.is_(None),
            func.extract("epoch", starts.c.at - starts.c.before) > gap_seconds,
        )
    conversations = int(
        session.scalar(select(func.count()).select_from(starts).where(new_session)) or 0
    )

    totals = session.execute(
        select(
            func.count(),
            func.count(distinct(Turn.sender_id)),
            func.coalesce(func.sum(Turn.bot_messages), 0),
            func.count().filter(Turn.outcome == "answered"),
            func.count().filter(Turn.outcome.in_(QUESTION_OUTCOMES)),
            func.count().filter(Turn.outcome == "fallback"),
            func.count().filter(Turn.handoff.is_(True)),
            func.count().filter(Turn.feedback == "up"),
            func.count().filter(Turn.feedback == "down"),
            func.count().filter(Turn.outcome.in_(UNANSWERED_OUTCOMES)),
            func.count(distinct(case((Turn.outcome == "answered", Turn.sender_id)))),
            func.count(distinct(case((Turn.outcome == "answered", Turn.procedure_key)))),
        ).where(where)
    ).one()
    (
        messages,
        users,
        bot_messages,
        answered,
        questions,
        fallbacks,
        handoffs,
        up,
        down,
        unanswered,
        helped,
        procedures_answered,
    ) = (int(v or 0) for v in totals)

    key = func.coalesce(Procedure.code, Procedure.slug)
    online_links = int(
        session.scalar(
            select(func.count())
            .select_from(Turn)
            .join(
                Procedure,
                or_(Procedure.code == Turn.procedure_key, Procedure.slug == Turn.procedure_key),
            )
            .where(
                where,
                Turn.outcome == "answered",
                or_(
                    Procedure.online_level.in_(("toan_trinh", "mot_phan")),
                    Procedure.online_url.is_not(None),
                ),
            )
        )
        or 0
    )
    catalog = int(
        session.scalar(
            select(func.count()).select_from(Procedure).where(Procedure.validity == "dang_ap_dung")
        )
        or 0
    )

    top_intents = [
        {"intent": intent, "count": count}
        for intent, count in session.execute(
            select(Turn.intent, func.count().label("n"))
            .where(where, Turn.intent.is_not(None))
            .group_by(Turn.intent)
            .order_by(func.count().desc(), Turn.intent)
            .limit(top)
        )
    ]
    top_procedures = [
        {"code": code, "key": k, "name": name, "count": count}
        for k, code, name, count in session.execute(
            select(Turn.procedure_key, Procedure.code, Procedure.name, func.count())
            .join(Procedure, key == Turn.procedure_key, isouter=True)
            .where(where, Turn.procedure_key.is_not(None))
            .group_by(Turn.procedure_key, Procedure.code, Procedure.name)
            .order_by(func.count().desc(), Turn.procedure_key)
            .limit(top)
        )
    ]
    day = _day(session)
    by_day = [
        {
            "date": str(d),
            "messages": n,
            "unique_users": u,
            "fallbacks": f,
            "feedback_up": fu,
            "feedback_down": fd,
        }
        for d, n, u, f, fu, fd in session.execute(
            select(
                day,
                func.count(),
                func.count(distinct(Turn.sender_id)),
                func.count().filter(Turn.outcome == "fallback"),
                func.count().filter(Turn.feedback == "up"),
                func.count().filter(Turn.feedback == "down"),
            )
            .where(where)
            .group_by(day)
            .order_by(day)
        )
    ]
    by_channel = [
        {"channel": c, "messages": n, "unique_users": u}
        for c, n, u in session.execute(
            select(Turn.channel, func.count(), func.count(distinct(Turn.sender_id)))
            .where(where)
            .group_by(Turn.channel)
            .order_by(Turn.channel)
        )
    ]
    return {
        "from": span.start.isoformat(),
        "to": span.end.isoformat(),
        "channel": span.channel,
        "conversations": conversations,
        "unique_users": users,
        "messages": messages,
        "bot_messages": bot_messages,
        "avg_turns": round(messages / conversations, 2) if conversations else 0.0,
        "answered_rate": round(answered / questions, 4) if questions else None,
        "fallback_rate": round(fallbacks / messages, 4) if messages else None,
        "handoff_requests": handoffs,
        "feedback_up": up,
        "feedback_down": down,
        "satisfaction": round(up / (up + down), 4) if up + down else None,
        "response_ms_p50": _percentile(session, where, 0.5),
        "response_ms_p95": _percentile(session, where, 0.95),
        "top_intents": top_intents,
        "top_procedures": top_procedures,
        "by_day": by_day,
        "by_channel": by_channel,
        "plan": {
            "citizens_helped": helped,
            "catalog_procedures_answered": procedures_answered,
            "catalog_procedures": catalog,
            "catalog_coverage": round(procedures_answered / catalog, 4) if catalog else None,
            "unanswered_questions": unanswered,
            "online_service_links": online_links,
        },
    }
