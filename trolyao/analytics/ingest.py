"""The ingester: Rasa's event broker → one analytics row per citizen message.

Two sources, one way of turning events into rows (:class:`TurnBuilder`):

- the SQL broker (default): events are read after a checkpoint, in id order, and the
  rows derived *and* the new checkpoint are written in one transaction of the app
  database. A crash before the commit loses nothing (the batch is read again); a crash
  after it repeats nothing.
- RabbitMQ (``amqp://``): messages are acknowledged only after the transaction that
  stores their rows has committed, and the SHA-256 of every message ingested is kept
  in that same transaction, so a redelivery (at-least-once) is recognised and dropped.

Citizen text and the bot's replies are redacted again here, whatever the channel did.

One cohesive thing, kept in one module (about 430 lines): the two sources differ only in
how they read and acknowledge, and both feed the same :class:`TurnBuilder` in the same
transaction discipline; split apart, the exactly-once reasoning would be spread thin.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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
from sqlalchemy.orm import Session, selectinload

from trolyao.analytics.models import Conversation, IngestCheckpoint, IngestedMessage, Turn
from trolyao.analytics.rollup import ensure_rollups, refresh_days
from trolyao.redaction import redact
from trolyao.replies import feedback_polarity

if TYPE_CHECKING:
    from pika.adapters.blocking_connection import BlockingChannel, BlockingConnection

log = logging.getLogger(__name__)
SESSION_GAP = dt.timedelta(minutes=60)  # Rasa's session_config: then a new conversation
MAX_REPLY = 4000

SKIPPED_ACTIONS = frozenset({"action_listen", "action_session_start", "action_restart"})
FEEDBACK_PROMPT = "utter_feedback_prompt"


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
    duplicates: int = 0


def _turn_key(sender: str, event: dict[str, Any]) -> str:
    return f"{sender}:{_stamp(event):.6f}"


def _stamp(event: dict[str, Any]) -> float:
    try:
        return float(event.get("timestamp") or 0)
    except (TypeError, ValueError):
        return 0.0


def _timestamp(value: Any) -> dt.datetime:
    try:
        return dt.datetime.fromtimestamp(float(value or 0), tz=dt.timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return dt.datetime.fromtimestamp(0, tz=dt.timezone.utc)


def _feedback(event: dict[str, Any]) -> str | None:
    parse = event.get("parse_data") or {}
    for entity in parse.get("entities") or []:
        if entity.get("entity") == "feedback_value" and entity.get("value") in ("up", "down"):
            return str(entity["value"])
    return feedback_polarity(str(event.get("text") or ""))


class TurnBuilder:
    """Applies a batch of broker events (in order) to the analytics tables of a session."""

    def __init__(self, session: Session, senders: set[str]):
        self.session = session
        self.open_turns = self._open_turns(session, senders)
        self.days: set[dt.date] = set()  # the days whose turns changed (rollups to rebuild)

    def apply_all(self, parsed: list[tuple[str, dict[str, Any]]]) -> int:
        """Apply every event; return how many turns were created."""
        users = [(sender, event) for sender, event in parsed if event.get("event") == "user"]
        seen: set[str] = set()
        if users:
            # Only a message no later than the latest turn stored can have been stored
            # already (a replay): in the normal, forward case nothing needs looking up.
            latest = self.session.scalar(select(func.max(Turn.started_at)))
            if latest is not None:
                horizon = _aware(latest).timestamp() + 0.001
                seen = self._existing_keys(
                    self.session,
                    [
                        _turn_key(sender, event)
                        for sender, event in users
                        if _stamp(event) <= horizon
                    ],
                )
        return sum(self._apply(seen, sender, event) for sender, event in parsed)

    @staticmethod
    def _open_turns(session: Session, senders: set[str]) -> dict[str, Turn]:
        """The latest turn of each sender, which later events of a batch may complete."""
        if not senders:
            return {}
        latest = (
            select(Turn.sender_id, func.max(Turn.started_at).label("started"))
            .where(Turn.sender_id.in_(senders))
            .group_by(Turn.sender_id)
            .subquery()
        )
        turns = session.scalars(
            select(Turn)
            .join(
                latest,
                (Turn.sender_id == latest.c.sender_id) & (Turn.started_at == latest.c.started),
            )
            .options(selectinload(Turn.conversation))
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

    def _conversation_for(self, sender: str, channel: str, started: dt.datetime) -> Conversation:
        previous = self.open_turns.get(sender)
        conversation = previous.conversation if previous is not None else None
        if conversation is not None and started - _aware(conversation.last_at) <= SESSION_GAP:
            conversation.last_at = started
            conversation.turn_count += 1
            return conversation
        conversation = Conversation(
            sender_id=sender,
            channel=channel,
            started_at=started,
            last_at=started,
            turn_count=1,
            tags=[],
        )
        self.session.add(conversation)
        return conversation

    def _apply(self, seen: set[str], sender: str, event: dict[str, Any]) -> int:
        kind = event.get("event")
        if kind == "user":
            parse = event.get("parse_data") or {}
            intent = (parse.get("intent") or {}).get("name")
            metadata = event.get("metadata") or {}
            started = _timestamp(event.get("timestamp"))
            key = _turn_key(sender, event)
            if key in seen:
                self.open_turns.pop(sender, None)
                return 0  # already ingested (a replayed stream)
            seen.add(key)
            channel = str(metadata.get("channel") or event.get("input_channel") or "rest")[:20]
            conversation = self._conversation_for(sender, channel, started)
            new = Turn(
                event_key=key,
                conversation=conversation,
                sender_id=sender,
                channel=channel,
                started_at=started,
                text=redact(str(event.get("text") or ""))[:5000],
                intent=intent,
                confidence=(parse.get("intent") or {}).get("confidence"),
                outcome="pending",
                handoff=False,
                bot_messages=0,
                feedback=_feedback(event) if intent == "feedback" else None,
            )
            if intent == "nlu_fallback":
                new.outcome = "fallback"
            self.session.add(new)
            self.open_turns[sender] = new
            self.days.add(started.date())
            return 1
        turn = self.open_turns.get(sender)
        if turn is None:
            return 0
        self.days.add(_aware(turn.started_at).date())
        if kind == "action":
            name = event.get("name")
            if name and name not in SKIPPED_ACTIONS and turn.action is None:
                turn.action = str(name)[:64]
        elif kind == "bot":
            turn.bot_messages += 1
            elapsed = _timestamp(event.get("timestamp")) - _aware(turn.started_at)
            turn.response_ms = max(int(elapsed.total_seconds() * 1000), 0)
            response = (event.get("metadata") or {}).get("utter_action")
            if response and response != FEEDBACK_PROMPT and turn.response is None:
                turn.response = str(response)[:100]
                turn.outcome = outcome_of(turn.response, turn.intent)
            text = str(event.get("text") or "").strip()
            if text and len(turn.reply or "") < MAX_REPLY:
                joined = f"{turn.reply}\n\n{redact(text)}" if turn.reply else redact(text)
                turn.reply = joined[:MAX_REPLY]
        elif kind == "slot":
            name, value = event.get("name"), event.get("value")
            if name == "procedure_key" and value:
                turn.procedure_key = str(value)[:200]
            elif name == "last_attribute" and value:
                turn.attribute = str(value)[:20]
            elif name == "handoff_requested" and value:
                turn.handoff = True
            elif name == "place_code" and value:
                turn.place_code = str(value)[:10]
        return 0


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def _parse(sender: Any, data: Any) -> tuple[str, dict[str, Any]] | None:
    try:
        event = json.loads(data)
    except (TypeError, ValueError):
        return None
    if not isinstance(event, dict):
        return None
    sender = sender if sender is not None else event.get("sender_id")
    if sender is None:
        return None
    return str(sender)[:255], event


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
            ensure_rollups(session)
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
            parsed = [p for p in (_parse(r.sender_id, r.data) for r in rows) if p is not None]
            builder = TurnBuilder(session, {sender for sender, _ in parsed})
            report.turns = builder.apply_all(parsed)
            refresh_days(session, builder.days)
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

    def close(self) -> None:
        """Nothing to release (the engines belong to the caller)."""


class AmqpIngester:
    """Consumes Rasa's RabbitMQ (Pika) event broker queue into the analytics tables.

    At least once, exactly once in effect: a batch's rows and its messages' digests are
    committed together, then the batch is acknowledged. A crash in between makes
    RabbitMQ deliver the batch again, and the digests drop it.
    """

    def __init__(self, app_engine: Engine, url: str, queue: str, *, wait: float = 0.5):
        self.app_engine = app_engine
        self.url = url
        self.queue = queue
        self.wait = wait
        self._connection: BlockingConnection | None = None
        self._channel: BlockingChannel | None = None

    def _open(self) -> BlockingChannel:
        import pika

        if self._channel is None or not self._channel.is_open:
            self.close()
            params = pika.URLParameters(self.url)
            params.heartbeat = 60
            params.blocked_connection_timeout = 30
            self._connection = pika.BlockingConnection(params)
            channel = self._connection.channel()
            channel.queue_declare(queue=self.queue, durable=True)
            self._channel = channel
        return self._channel

    def run_once(self, batch: int = 2000) -> IngestReport:
        """Take up to ``batch`` messages waiting in the queue, store them, then ack them."""
        channel = self._open()
        channel.basic_qos(prefetch_count=batch)
        messages: list[tuple[int, bytes]] = []
        for method, _properties, body in channel.consume(
            self.queue, auto_ack=False, inactivity_timeout=self.wait
        ):
            if method is None:
                break
            messages.append((int(method.delivery_tag), bytes(body)))
            if len(messages) >= batch:
                break
        channel.cancel()  # what was prefetched but not taken goes back to the queue
        report = IngestReport(events=len(messages))
        if not messages:
            return report
        digests = [hashlib.sha256(body).hexdigest() for _tag, body in messages]
        with Session(self.app_engine) as session, session.begin():
            ensure_rollups(session)
            known: set[str] = set()
            unique = sorted(set(digests))
            for start in range(0, len(unique), 500):
                known.update(
                    session.scalars(
                        select(IngestedMessage.digest).where(
                            IngestedMessage.digest.in_(unique[start : start + 500])
                        )
                    )
                )
            parsed = []
            for (_tag, body), digest in zip(messages, digests, strict=True):
                if digest in known:
                    report.duplicates += 1
                    continue
                known.add(digest)
                session.add(IngestedMessage(digest=digest))
                item = _parse(None, body)
                if item is not None:
                    parsed.append(item)
            builder = TurnBuilder(session, {sender for sender, _ in parsed})
            report.turns = builder.apply_all(parsed)
            refresh_days(session, builder.days)
        channel.basic_ack(delivery_tag=messages[-1][0], multiple=True)
        return report

    def run_until_idle(self, batch: int = 2000) -> IngestReport:
        """Ingest everything waiting now."""
        total = IngestReport()
        while True:
            report = self.run_once(batch)
            total.events += report.events
            total.turns += report.turns
            total.duplicates += report.duplicates
            if report.events < batch:
                return total

    def close(self) -> None:
        """Close the connection (unacknowledged messages return to the queue)."""
        if self._connection is not None and self._connection.is_open:
            try:
                self._connection.close()
            except Exception:  # already broken: nothing left to release
                log.debug("closing the AMQP connection failed", exc_info=True)
        self._connection = None
        self._channel = None
