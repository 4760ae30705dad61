"""Retention: analytics rows and already-ingested broker events older than the setting go."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, delete, inspect, select
from sqlalchemy.orm import Session

from trolyao.analytics.ingest import broker_events_table
from trolyao.analytics.models import Conversation, IngestCheckpoint, IngestedMessage, Turn
from trolyao.analytics.rollup import TABLES, refresh_days
from trolyao.schema import utcnow


@dataclass
class PurgeReport:
    """What one purge removed."""

    turns: int = 0
    broker_events: int = 0


def purge(
    app_engine: Engine,
    broker_engine: Engine | None,
    *,
    keep: dt.timedelta,
    now: dt.datetime | None = None,
    source: str = "sql-broker",
    batch: int = 5000,
) -> PurgeReport:
    """Delete analytics rows older than ``keep``, and broker events the ingester has read
    whose timestamp is older than ``keep``."""
    cutoff = (now or utcnow()) - keep
    report = PurgeReport()
    with Session(app_engine) as session, session.begin():
        result = cast(
            "CursorResult[Any]", session.execute(delete(Turn).where(Turn.started_at < cutoff))
        )
        report.turns = int(result.rowcount or 0)
        # A conversation goes with its last turn; its tags and notes go with it.
        session.execute(
            delete(Conversation).where(
                Conversation.last_at < cutoff,
                ~select(Turn.id).where(Turn.conversation_id == Conversation.id).exists(),
            )
        )
        session.execute(delete(IngestedMessage).where(IngestedMessage.ingested_at < cutoff))
        for table in TABLES:
            session.execute(delete(table).where(table.day < cutoff.date()))
        refresh_days(session, [cutoff.date()])  # the day cut in two
        checkpoint = session.get(IngestCheckpoint, source)
        position = checkpoint.position if checkpoint else 0
    if broker_engine is None or not position or not inspect(broker_engine).has_table("events"):
        return report
    events = broker_events_table()
    with broker_engine.begin() as conn:
        rows = conn.execute(
            select(events.c.id, events.c.data)
            .where(events.c.id <= position)
            .order_by(events.c.id)
            .limit(batch)
        ).all()
        old = []
        for row in rows:
            try:
                stamp = float(json.loads(row.data).get("timestamp") or 0)
            except (TypeError, ValueError, AttributeError):
                stamp = 0.0
            if stamp < cutoff.timestamp():
                old.append(row.id)
        if old:
            conn.execute(delete(events).where(events.c.id.in_(old)))
    report.broker_events = len(old)
    return report
