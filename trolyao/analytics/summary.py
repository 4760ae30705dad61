"""The officials' summary: usage, quality and the plan's measures over a date range.

Read from the daily rollups (:mod:`trolyao.analytics.rollup`) and the conversations
table, so that a year of a busy province is a few thousand rows, not every message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, distinct, func, select
from sqlalchemy.orm import Session

from trolyao.analytics.models import (
    Conversation,
    DailyKey,
    DailyLatency,
    DailyUsage,
    DailyUser,
    Turn,
)
from trolyao.analytics.rollup import QUESTION_OUTCOMES, UNANSWERED_OUTCOMES
from trolyao.kb.models import Procedure
from trolyao.kb.repository import in_force

__all__ = ["QUESTION_OUTCOMES", "UNANSWERED_OUTCOMES", "Range", "summary"]


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

    def days(self, table: Any) -> Any:
        """The range (and channel) on a daily rollup table."""
        clause = and_(table.day >= self.start, table.day <= self.end)
        return and_(clause, table.channel == self.channel) if self.channel else clause


def _percentiles(session: Session, span: Range, quantiles: tuple[float, ...]) -> list[int | None]:
    """Nearest-rank percentiles of response times, from the daily histograms."""
    histogram = session.execute(
        select(DailyLatency.bucket_ms, func.sum(DailyLatency.count))
        .where(span.days(DailyLatency))
        .group_by(DailyLatency.bucket_ms)
        .order_by(DailyLatency.bucket_ms)
    ).all()
    n = sum(int(c) for _b, c in histogram)
    out: list[int | None] = []
    for q in quantiles:
        if not n:
            out.append(None)
            continue
        rank = int(q * (n - 1) + 0.5)
        seen = 0
        for value, count in histogram:
            seen += int(count)
            if seen > rank:
                out.append(int(value))
                break
    return out


def _distinct_users(session: Session, span: Range) -> tuple[int, int, dict[str, int]]:
    """Distinct senders over the range, those helped, and distinct senders per channel.

    Grouped sub-queries rather than ``count(DISTINCT …)``: PostgreSQL hashes them, about
    twice as fast on a year of rows.
    """
    where = span.days(DailyUser)
    per_sender = (
        select(DailyUser.sender_id, func.max(DailyUser.answered).label("answered"))
        .where(where)
        .group_by(DailyUser.sender_id)
        .subquery()
    )
    users, helped = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((per_sender.c.answered == 1, 1), else_=0)), 0),
        ).select_from(per_sender)
    ).one()
    pairs = select(DailyUser.channel, DailyUser.sender_id).where(where).distinct().subquery()
    per_channel = {
        c: int(n)
        for c, n in session.execute(select(pairs.c.channel, func.count()).group_by(pairs.c.channel))
    }
    return int(users or 0), int(helped or 0), per_channel


def summary(session: Session, span: Range, top: int = 10) -> dict[str, Any]:
    """Every figure of the dashboard's summary for ``span``."""
    usage = span.days(DailyUsage)
    totals = session.execute(
        select(
            func.coalesce(func.sum(DailyUsage.messages), 0),
            func.coalesce(func.sum(DailyUsage.bot_messages), 0),
            func.coalesce(func.sum(DailyUsage.answered), 0),
            func.coalesce(func.sum(DailyUsage.questions), 0),
            func.coalesce(func.sum(DailyUsage.fallbacks), 0),
            func.coalesce(func.sum(DailyUsage.handoffs), 0),
            func.coalesce(func.sum(DailyUsage.feedback_up), 0),
            func.coalesce(func.sum(DailyUsage.feedback_down), 0),
            func.coalesce(func.sum(DailyUsage.unanswered), 0),
            func.coalesce(func.sum(DailyUsage.online_links), 0),
        ).where(usage)
    ).one()
    (
        messages,
        bot_messages,
        answered,
        questions,
        fallbacks,
        handoffs,
        up,
        down,
        unanswered,
        online_links,
    ) = (int(v or 0) for v in totals)
    users, helped, channel_users = _distinct_users(session, span)
    lower = dt.datetime.combine(span.start, dt.time.min, tzinfo=dt.timezone.utc)
    upper = dt.datetime.combine(
        span.end + dt.timedelta(days=1), dt.time.min, tzinfo=dt.timezone.utc
    )
    started = [Conversation.started_at >= lower, Conversation.started_at < upper]
    if span.channel:
        started.append(Conversation.channel == span.channel)
    conversations = int(
        session.scalar(select(func.count()).select_from(Conversation).where(*started)) or 0
    )
    keys = span.days(DailyKey)
    procedures_answered = int(
        session.scalar(
            select(func.count(distinct(DailyKey.key))).where(keys, DailyKey.kind == "answered")
        )
        or 0
    )
    catalog = int(
        session.scalar(select(func.count()).select_from(Procedure).where(in_force())) or 0
    )
    n = func.sum(DailyKey.count)
    top_intents = [
        {"intent": intent, "count": int(count)}
        for intent, count in session.execute(
            select(DailyKey.key, n)
            .where(keys, DailyKey.kind == "intent")
            .group_by(DailyKey.key)
            .order_by(n.desc(), DailyKey.key)
            .limit(top)
        )
    ]
    ranked = session.execute(
        select(DailyKey.key, n)
        .where(keys, DailyKey.kind == "procedure")
        .group_by(DailyKey.key)
        .order_by(n.desc(), DailyKey.key)
        .limit(top)
    ).all()
    found = {
        key: (code, name)
        for code, slug, name in session.execute(
            select(Procedure.code, Procedure.slug, Procedure.name).where(
                (Procedure.code.in_([k for k, _ in ranked]))
                | (Procedure.slug.in_([k for k, _ in ranked]))
            )
        )
        for key in (code, slug)
        if key
    }
    top_procedures = [
        {
            "code": found.get(key, (None, None))[0],
            "key": key,
            "name": found.get(key, (None, None))[1],
            "count": int(count),
        }
        for key, count in ranked
    ]
    people = DailyUsage.users if span.channel else DailyUsage.day_users
    by_day = [
        {
            "date": str(day),
            "messages": int(m),
            "unique_users": int(u),
            "fallbacks": int(f),
            "feedback_up": int(fu),
            "feedback_down": int(fd),
        }
        for day, m, u, f, fu, fd in session.execute(
            select(
                DailyUsage.day,
                func.sum(DailyUsage.messages),
                func.max(people),
                func.sum(DailyUsage.fallbacks),
                func.sum(DailyUsage.feedback_up),
                func.sum(DailyUsage.feedback_down),
            )
            .where(usage)
            .group_by(DailyUsage.day)
            .order_by(DailyUsage.day)
        )
    ]
    by_channel = [
        {"channel": c, "messages": int(m), "unique_users": channel_users.get(c, 0)}
        for c, m in session.execute(
            select(DailyUsage.channel, func.sum(DailyUsage.messages))
            .where(usage)
            .group_by(DailyUsage.channel)
            .order_by(DailyUsage.channel)
        )
    ]
    p50, p95 = _percentiles(session, span, (0.5, 0.95))
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
        "answered": answered,
        "questions": questions,
        "fallback_rate": round(fallbacks / messages, 4) if messages else None,
        "fallbacks": fallbacks,
        "handoff_requests": handoffs,
        "feedback_up": up,
        "feedback_down": down,
        "satisfaction": round(up / (up + down), 4) if up + down else None,
        "response_ms_p50": p50,
        "response_ms_p95": p95,
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
