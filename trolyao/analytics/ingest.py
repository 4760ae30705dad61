"""The ingester: Rasa's event broker (SQL) → one analytics row per citizen message.

Incremental and idempotent: it reads broker events after its checkpoint, in id order,
and writes the rows it derives *and* the new checkpoint in one transaction of the app
database. A crash before the commit loses nothing (the batch is read again); a crash
after it repeats nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    inspect,
    select,
)
from sqlalchemy.orm import Session

from trolyao.models import IngestCheckpoint, Turn

SKIPPED_ACTIONS = frozenset({"action_listen", "action_session_start", "action_restart"})
FEEDBACK_PROMPT = "utter_feedback_prompt"
NEGATIVE_FEEDBACK = ("chua", "khong", "ko ", "sai")


def broker_events_table(metadata: MetaData | None = None) -> Table:
    """The table Rasa's SQL event broker writes: ``events(id, sender_id, data)``."""
    return Table(
        "events",
        metadata or MetaData(),
        Column("id", Integer, primary_key=True),
        Column("sender_id", String(255)),
        Column("data", Text),
    )


def outcome_of(response: str | None, intent: str | None) -> str:
    """Classify how a message was answered, from the first response the bot gave."""
    if intent == "nlu_fallback" or (response or "").startswith("utter_fallback"):
        return "fallback"
    if response is None:
        return "pending"
    if response in ("utter_procedure_not_found", "utter_procedure_ask_which"):
        return "no_match"
    if response == "utter_procedure_choose":
        return "ambiguous"
    if response.endswith("_unknown") or response == "utter_dossier_not_found":
        return "unknown_fact"
    if response == "utter_out_of_scope":
        return "out_of_scope"
    if response.startswith(("utter_procedure_", "utter_dossier_status")):
        return "answered"
    return "other"


@dataclass
class IngestReport:
    """What one pass did."""

    events: int = 0
    turns: int = 0
    position: int = 0


def _turn_key(sender: str, event: dict[str, Any]) -> str:
    return f"{sender}:{float(event.get('timestamp') or 0):.6f}"


def _timestamp(value: Any) -> dt.datetime:
    return dt.datetime.fromtimestamp(float(value or 0), tz=dt.timezone.utc)


def _feedback(event: dict[str, Any]) -> str | None:
    parse = event.get("parse_data") or {}
    for entity in parse.get("entities") or []:
        if entity.get("entity") == "feedback_value" and entity.get("value") in ("up", "down"):
            return str(entity["value"])
    from vntext import fold

    text = fold(str(event.get("text") or ""))
    return "down" if any(word in text for word in NEGATIVE_FEEDBACK) else "up"


class Ingester:
    """Reads one SQL event broker into the analytics tables of one app database."""

    def __init__(self, app_engine: Engine, broker_engine: Engine, source: str = "sql-broker"):
        self.app_engine = app_engine
        self.broker_engine = broker_engine
        self.source = source
        self._events: Table | None = None

    def _broker_table(self) -> Table | None:
        if self._events is None and inspect(self.broker_engine).has_table("events"):
            self._events = Table("events", MetaData(), autoload_with=self.broker_engine)
        return self._events

    def run_once(self, batch: int = 5000) -> IngestReport:
        """Ingest up to ``batch`` new events; return what was done."""
        events = self._broker_table()
        report = IngestReport()
        if events is None:
            return report
        with Session(self.app_engine) as session, session.begin():
            checkpoint = session.get(IngestCheckpoint, self.source)
            if checkpoint is None:
                checkpoint = IngestCheckpoint(source=self.source, position=0)
                session.add(checkpoint)
            with self.broker_engine.connect() as conn:
                rows = conn.execute(
                    select(events.c.id, events.c.sender_id, events.c.data)
                    .where(events.c.id > checkpoint.position)
                    .order_by(events.c.id)
                    .limit(batch)
                ).all()
            if not rows:
                report.position = checkpoint.position
                return report
            open_turns = self._open_turns(session, {r.sender_id for r in rows})
            parsed = []
            for row in rows:
                try:
                    parsed.append((str(row.sender_id), json.loads(row.data)))
                except (TypeError, ValueError):
                    continue
            seen = self._existing_keys(
                session,
                [
                    _turn_key(sender, event)
                    for sender, event in parsed
                    if event.get("event") == "user"
                ],
            )
            for sender, event in parsed:
                report.turns += self._apply(session, open_turns, seen, sender, event)
            checkpoint.position = int(rows[-1].id)
            checkpoint.updated_at = dt.datetime.now(dt.timezone.utc)
            report.events = len(rows)
            report.position = checkpoint.position
        return report

    def run_until_idle(self, batch: int = 5000) -> IngestReport:
        """Ingest everything there is now."""
        total = IngestReport()
        while True:
            report = self.run_once(batch)
            total.events += report.events
            total.turns += report.turns
            total.position = report.position
            if report.events < batch:
                return total

    @staticmethod
    def _open_turns(session: Session, senders: set[str]) -> dict[str, Turn]:
        """The latest turn of each sender, which later events of a batch may complete."""
        latest = (
            select(Turn.sender_id, func.max(Turn.started_at).label("started"))
            .where(Turn.sender_id.in_(senders))
            .group_by(Turn.sender_id)
            .subquery()
        )
        turns = session.scalars(
            select(Turn).join(
                latest,
                (Turn.sender_id == latest.c.sender_id) & (Turn.started_at == latest.c.started),
            )
        ).all()
        return {t.sender_id: t for t in turns}

    @staticmethod
    def _existing_keys(session: Session, keys: list[str]) -> set[str]:
        """Keys already ingested (only when a stream is replayed past its checkpoint)."""
        found: set[str] = set()
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            found.update(session.scalars(select(Turn.event_key).where(Turn.event_key.in_(chunk))))
        return found

    @staticmethod
    def _apply(
        session: Session,
        open_turns: dict[str, Turn],
        seen: set[str],
        sender: str,
        event: dict[str, Any],
    ) -> int:
        kind = event.get("event")
        if kind == "user":
            parse = event.get("parse_data") or {}
            intent = (parse.get("intent") or {}).get("name")
            metadata = event.get("metadata") or {}
            started = _timestamp(event.get("timestamp"))
            key = _turn_key(sender, event)
            if key in seen:
                open_turns.pop(sender, None)
                return 0  # already ingested (a replayed stream)
            seen.add(key)
            new = Turn(
                event_key=key,
                sender_id=sender,
                channel=str(metadata.get("channel") or event.get("input_channel") or "rest")[:20],
                started_at=started,
                text=str(event.get("text") or "")[:5000],
                intent=intent,
                confidence=(parse.get("intent") or {}).get("confidence"),
                outcome="pending",
                handoff=False,
                bot_messages=0,
                feedback=_feedback(event) if intent == "feedback" else None,
            )
            if intent == "nlu_fallback":
                new.outcome = "fallback"
            session.add(new)
            open_turns[sender] = new
            return 1
        turn = open_turns.get(sender)
        if turn is None:
            return 0
        if kind == "action":
            name = event.get("name")
            if name and name not in SKIPPED_ACTIONS and turn.action is None:
                turn.action = str(name)[:64]
        elif kind == "bot":
            turn.bot_messages += 1
            elapsed = _timestamp(event.get("timestamp")) - turn.started_at.replace(
                tzinfo=turn.started_at.tzinfo or dt.timezone.utc
            )
            turn.response_ms = max(int(elapsed.total_seconds() * 1000), 0)
            response = (event.get("metadata") or {}).get("utter_action")
            if response and response != FEEDBACK_PROMPT and turn.response is None:
                turn.response = str(response)[:100]
                turn.outcome = outcome_of(turn.response, turn.intent)
        elif kind == "slot":
            name, value = event.get("name"), event.get("value")
            if name == "procedure_key" and value:
                turn.procedure_key = str(value)[:200]
            elif name == "last_attribute" and value:
                turn.attribute = str(value)[:20]
            elif name == "handoff_requested" and value:
                turn.handoff = True
        return 0
