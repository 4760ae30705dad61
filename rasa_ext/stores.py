"""Rasa's SQL tracker store and SQL event broker, with SQLite tuned for a chat workload.

Rasa opens SQLite with its defaults: a rollback journal and ``synchronous=FULL``, so each
of the ~10 commits of a chat turn (one per event published, one per tracker save) waits
for the disk. Here SQLite runs in WAL mode with ``synchronous=NORMAL``: commits survive a
crash of the process, and only an operating-system crash or power loss can drop the
last few. PostgreSQL connections are left as Rasa makes them. Figures: docs/benchmarks.md.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Text

import sqlalchemy as sa
import sqlalchemy.orm
from rasa.core.brokers.sql import SQLEventBroker as RasaSQLEventBroker
from rasa.core.tracker_store import SQLTrackerStore as RasaSQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

MAX_REMEMBERED_SENDERS = 100_000


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def tuned_engine(engine: sa.engine.Engine) -> sa.engine.Engine:
    """Return an engine for ``engine``'s database, tuned when it is SQLite.

    Rasa's SQLite engine opens a new connection per session (SQLAlchemy 1.4's default
    for files); the tuned one keeps a small pool, so the settings are paid once.
    """
    if engine.dialect.name != "sqlite":
        return engine
    tuned = sa.create_engine(
        engine.url,
        poolclass=sa.pool.QueuePool,
        pool_size=4,
        max_overflow=4,
        connect_args={"check_same_thread": False},
    )
    sa.event.listen(tuned, "connect", _sqlite_pragmas)
    with tuned.connect() as conn:  # WAL is a property of the file: set it once
        conn.exec_driver_sql("PRAGMA journal_mode=WAL")
    engine.dispose()
    return tuned


class SQLTrackerStore(RasaSQLTrackerStore):
    """Rasa's SQL tracker store with fewer round trips per turn.

    - SQLite in WAL mode with ``synchronous=NORMAL`` and a small connection pool;
    - ``save`` finds the new events once (Rasa's ``stream_events`` loads the whole
      tracker again just to diff it), publishes them to the event broker in one batch
      *before* storing them (at-least-once, as Rasa does), then inserts them in one
      statement.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.engine = tuned_engine(self.engine)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        # sender -> events of the current session stored, as of this process's last
        # retrieve or save (the lock store serialises turns of one sender)
        self._stored: Dict[Text, int] = {}

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """Retrieve the latest session's tracker, remembering how many events it has."""
        tracker = await super().retrieve(sender_id)
        self._remember(sender_id, len(tracker.events) if tracker is not None else 0)
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Publish, then store, the events not stored yet."""
        stored = self._stored.pop(tracker.sender_id, None)
        if stored is None or stored > len(tracker.events):
            with self.session_scope() as session:
                new_events = list(self._additional_events(session, tracker))
        else:
            new_events = list(tracker.events)[stored:]
        if not new_events:
            self._remember(tracker.sender_id, len(tracker.events))
            return
        if self.event_broker is not None:
            bodies = [{"sender_id": tracker.sender_id, **e.as_dict()} for e in new_events]
            publish_many = getattr(self.event_broker, "publish_many", None)
            if publish_many is not None:
                publish_many(bodies)
            else:
                for body in bodies:
                    self.event_broker.publish(body)
        rows = []
        for event in new_events:
            data = event.as_dict()
            rows.append(
                {
                    "sender_id": tracker.sender_id,
                    "type_name": event.type_name,
                    "timestamp": data.get("timestamp"),
                    "intent_name": data.get("parse_data", {})
                    .get("intent", {})
                    .get(INTENT_NAME_KEY),
                    "action_name": data.get("name"),
                    "data": json.dumps(data),
                }
            )
        with self.engine.begin() as conn:
            conn.execute(self.SQLEvent.__table__.insert(), rows)
        self._remember(tracker.sender_id, len(tracker.events))

    def _remember(self, sender_id: Text, count: int) -> None:
        self._stored[sender_id] = count
        if len(self._stored) > MAX_REMEMBERED_SENDERS:
            del self._stored[next(iter(self._stored))]  # the oldest entry


class SQLEventBroker(RasaSQLEventBroker):
    """Rasa's SQL event broker, tuned SQLite, and a batch ``publish_many``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.engine = tuned_engine(self.engine)
        self.sessionmaker = sa.orm.sessionmaker(bind=self.engine)

    def publish_many(self, events: List[Dict[Text, Any]]) -> None:
        """Publish several events in one transaction, in order."""
        rows = [{"sender_id": e.get("sender_id"), "data": json.dumps(e)} for e in events]
        with self.engine.begin() as conn:
            conn.execute(self.SQLBrokerEvent.__table__.insert(), rows)
