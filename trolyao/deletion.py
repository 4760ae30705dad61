"""Citizens' data deletion: requests recorded by the assistant, carried out by the worker.

The assistant cannot delete a conversation while it is still answering in it (Rasa
would write the turn back), so an action records the request and the worker deletes the
sender's events from Rasa's tracker store a few seconds later, then sweeps once more to
catch a turn that was in flight.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    CursorResult,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    inspect,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from trolyao.analytics.models import Conversation, Turn
from trolyao.analytics.rollup import days_of_sender, refresh_days
from trolyao.db import checkpoint
from trolyao.handoffs import delete_sender_cases
from trolyao.schema import Base, as_utc, utcnow

log = logging.getLogger(__name__)


class DeletionRequest(Base):
    """A citizen's request to delete their conversation data, carried out by the worker."""

    __tablename__ = "deletion_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(255), index=True)
    requested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    first_pass_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    events_deleted: Mapped[int] = mapped_column(Integer, default=0)


def request_deletion(session: Session, sender_id: str) -> DeletionRequest:
    """Record that ``sender_id`` asked to delete their conversation data."""
    request = DeletionRequest(sender_id=sender_id, requested_at=utcnow(), events_deleted=0)
    session.add(request)
    session.flush()
    return request


def delete_tracker_events(tracker_engine: Engine, sender_id: str) -> int:
    """Delete every event of ``sender_id`` from Rasa's SQL tracker store; return how many."""
    if not inspect(tracker_engine).has_table("events"):
        return 0
    events = Table("events", MetaData(), autoload_with=tracker_engine)
    with tracker_engine.begin() as conn:
        result = conn.execute(delete(events).where(events.c.sender_id == sender_id))
    return int(result.rowcount or 0)


@dataclass
class DeletionReport:
    """What one pass of the worker did."""

    first_passes: int = 0
    completed: int = 0
    events_deleted: int = 0


def delete_sender_everywhere(
    session: Session, tracker_engine: Engine, broker_engine: Engine | None, sender_id: str
) -> int:
    """Delete ``sender_id``'s events (tracker store, SQL broker), analytics rows and
    hand-off cases (with the contact the citizen left)."""
    deleted = delete_tracker_events(tracker_engine, sender_id)
    if broker_engine is not None:
        deleted += delete_tracker_events(broker_engine, sender_id)  # same table name, events
    days = days_of_sender(session, sender_id)
    result = cast(
        "CursorResult[Any]", session.execute(delete(Turn).where(Turn.sender_id == sender_id))
    )
    session.execute(delete(Conversation).where(Conversation.sender_id == sender_id))
    refresh_days(session, days)
    delete_sender_cases(session, sender_id)  # hand-offs, with the contact left
    return deleted + int(result.rowcount or 0)


def process_deletions(
    app_engine: Engine,
    tracker_engine: Engine,
    *,
    grace: dt.timedelta,
    resweep: dt.timedelta,
    now: dt.datetime | None = None,
    broker_engine: Engine | None = None,
) -> DeletionReport:
    """Carry out the deletion requests that are due; safe to run again at any time.

    The sender's tracker events, SQL broker events and analytics rows all go.
    """
    now = now or utcnow()
    report = DeletionReport()
    with Session(app_engine) as session, session.begin():
        pending = session.scalars(
            select(DeletionRequest).where(DeletionRequest.completed_at.is_(None))
        ).all()
        for request in pending:
            requested = as_utc(request.requested_at)
            if request.first_pass_at is None:
                if now - requested < grace:
                    continue
                deleted = delete_sender_everywhere(
                    session, tracker_engine, broker_engine, request.sender_id
                )
                request.first_pass_at = now
                report.first_passes += 1
            elif now - as_utc(request.first_pass_at) >= resweep:
                deleted = delete_sender_everywhere(
                    session, tracker_engine, broker_engine, request.sender_id
                )
                request.completed_at = now
                report.completed += 1
            else:
                continue
            request.events_deleted += deleted
            report.events_deleted += deleted
    if report.first_passes or report.completed:
        for engine in (tracker_engine, broker_engine, app_engine):
            if engine is not None:
                checkpoint(engine)  # no copy of the deleted rows left in a -wal file
    if report.events_deleted:
        log.info("deleted %d tracker events on request", report.events_deleted)
    return report
