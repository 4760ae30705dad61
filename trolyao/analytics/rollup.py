"""Daily rollups of the analytics turns, so that the summary over a year reads a few
thousand rows instead of every turn.

A day's rollup rows are rebuilt from its turns, in the transaction that changed them
(ingestion, deletion, retention): they are never out of step with the turns. Distinct
counts over a range stay exact (the daily sender lists are kept), and response-time
percentiles come from a histogram (10 ms resolution under 1 s, 100 ms under 10 s).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    and_,
    case,
    cast,
    delete,
    distinct,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from trolyao.analytics.models import (
    DailyKey,
    DailyLatency,
    DailyUsage,
    DailyUser,
    IngestCheckpoint,
    Turn,
)
from trolyao.kb.models import Procedure

QUESTION_OUTCOMES = (
    "answered",
    "unknown_fact",
    "no_match",
    "ambiguous",
    "fallback",
    "out_of_scope",
)
UNANSWERED_OUTCOMES = ("unknown_fact", "no_match", "fallback")
ROLLUP_MARK = "rollup-v1"  # an ingest_checkpoints row: rollups were built for every day
TABLES = (DailyUsage, DailyUser, DailyKey, DailyLatency)


def day_of(session: Session) -> Any:
    """The UTC day of a turn, as SQL."""
    if session.get_bind().dialect.name == "sqlite":
        return func.date(Turn.started_at)
    return cast(func.timezone("UTC", Turn.started_at), Date)


def _bounds(days: list[dt.date]) -> Any:
    lower = dt.datetime.combine(min(days), dt.time.min, tzinfo=dt.timezone.utc)
    upper = dt.datetime.combine(
        max(days) + dt.timedelta(days=1), dt.time.min, tzinfo=dt.timezone.utc
    )
    return and_(Turn.started_at >= lower, Turn.started_at < upper)


def refresh_days(session: Session, days: Iterable[dt.date]) -> None:
    """Rebuild the rollups of ``days`` from their turns (call before commit)."""
    wanted = sorted(set(days))
    for start in range(0, len(wanted), 200):
        _refresh(session, wanted[start : start + 200])


def _refresh(session: Session, days: list[dt.date]) -> None:
    if not days:
        return
    session.flush()
    for table in TABLES:
        session.execute(delete(table).where(table.day.in_(days)))
    day = day_of(session).label("day")
    is_sqlite = session.get_bind().dialect.name == "sqlite"
    day_values = [d.isoformat() for d in days] if is_sqlite else days
    where = and_(_bounds(days), day_of(session).in_(day_values))
    online = (
        select(literal(1))
        .where(
            or_(Procedure.code == Turn.procedure_key, Procedure.slug == Turn.procedure_key),
            or_(
                Procedure.online_level.in_(("toan_trinh", "mot_phan")),
                Procedure.online_url.is_not(None),
            ),
        )
        .exists()
    )
    session.execute(
        insert(DailyUsage).from_select(
            [
                "day", "channel", "messages", "users", "day_users", "bot_messages", "answered",
                "questions",
                "fallbacks", "handoffs", "feedback_up", "feedback_down", "unanswered",
                "online_links",
            ],
            select(
                day,
                Turn.channel,
                func.count(),
                func.count(distinct(Turn.sender_id)),
                literal(0),
                func.coalesce(func.sum(Turn.bot_messages), 0),
                count_if(Turn.outcome == "answered"),
                count_if(Turn.outcome.in_(QUESTION_OUTCOMES)),
                count_if(Turn.outcome == "fallback"),
                count_if(Turn.handoff.is_(True)),
                count_if(Turn.feedback == "up"),
                count_if(Turn.feedback == "down"),
                count_if(Turn.outcome.in_(UNANSWERED_OUTCOMES)),
                count_if(and_(Turn.outcome == "answered", online)),
            )
            .where(where)
            .group_by(day, Turn.channel),
        )
    )  # fmt: skip
    session.execute(
        insert(DailyUser).from_select(
            ["day", "channel", "sender_id", "answered"],
            select(
                day,
                Turn.channel,
                Turn.sender_id,
                func.max(case((Turn.outcome == "answered", 1), else_=0)),
            )
            .where(where)
            .group_by(day, Turn.channel, Turn.sender_id),
        )
    )
    everyone = (
        select(func.count(distinct(DailyUser.sender_id)))
        .where(DailyUser.day == DailyUsage.day)
        .scalar_subquery()
    )
    session.execute(update(DailyUsage).where(DailyUsage.day.in_(days)).values(day_users=everyone))
    for kind, column, extra in (
        ("intent", Turn.intent, None),
        ("procedure", Turn.procedure_key, None),
        ("answered", Turn.procedure_key, Turn.outcome == "answered"),
    ):
        conditions = [where, column.is_not(None)]
        if extra is not None:
            conditions.append(extra)
        session.execute(
            insert(DailyKey).from_select(
                ["day", "channel", "kind", "key", "count"],
                select(day, Turn.channel, literal(kind), column, func.count())
                .where(*conditions)
                .group_by(day, Turn.channel, column),
            )
        )
    ms = cast(Turn.response_ms, Integer)
    slot = case(
        (ms < 1000, (ms / 10) * 10),
        (ms < 10_000, (ms / 100) * 100),
        (ms < 120_000, (ms / 1000) * 1000),
        else_=120_000,
    ).label("bucket")
    session.execute(
        insert(DailyLatency).from_select(
            ["day", "channel", "bucket_ms", "count"],
            select(day, Turn.channel, slot, func.count())
            .where(where, Turn.response_ms.is_not(None))
            .group_by(day, Turn.channel, slot),
        )
    )


def count_if(condition: Any) -> Any:
    """How many rows meet ``condition``, as SQL (0 when none)."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def days_of_sender(session: Session, sender_id: str) -> set[dt.date]:
    """The days on which ``sender_id`` has turns (to rebuild after deleting them)."""
    return {
        _as_date(d)
        for d in session.scalars(
            select(day_of(session)).distinct().where(Turn.sender_id == sender_id)
        )
    }


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def ensure_rollups(session: Session) -> bool:
    """Build the rollups of every day once (turns ingested before rollups existed)."""
    if session.get(IngestCheckpoint, ROLLUP_MARK) is not None:
        return False
    days = {_as_date(d) for d in session.scalars(select(day_of(session)).distinct())}
    refresh_days(session, days)
    session.add(IngestCheckpoint(source=ROLLUP_MARK, position=1))
    return True
