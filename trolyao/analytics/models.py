"""The analytics tables: conversations, one row per citizen message, ingestion state and
the daily rollups the summary reads. Text in them is redacted."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trolyao.schema import Base, utcnow


class Conversation(Base):
    """A sender's conversation: turns no more than an hour apart (Rasa's session length).

    Officials review it, tag it and leave a note; the sender id itself is never shown.
    """

    __tablename__ = "analytics_conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(255), index=True)
    channel: Mapped[str] = mapped_column(String(20), index=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    last_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    turn_count: Mapped[int] = mapped_column(Integer, default=0)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Turn(Base):
    """One citizen message and how the assistant answered it (analytics; text is redacted)."""

    __tablename__ = "analytics_turns"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_key: Mapped[str] = mapped_column(String(300), unique=True)
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("analytics_conversations.id", ondelete="CASCADE"), index=True
    )
    sender_id: Mapped[str] = mapped_column(String(255), index=True)
    channel: Mapped[str] = mapped_column(String(20), index=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    text: Mapped[str] = mapped_column(Text)
    intent: Mapped[str | None] = mapped_column(String(64), index=True)
    confidence: Mapped[float | None] = mapped_column(Float)
    action: Mapped[str | None] = mapped_column(String(64))
    response: Mapped[str | None] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    procedure_key: Mapped[str | None] = mapped_column(String(200), index=True)
    attribute: Mapped[str | None] = mapped_column(String(20))
    # the current commune-level unit the citizen said they are in (code), when they did
    place_code: Mapped[str | None] = mapped_column(String(10), index=True)
    handoff: Mapped[bool] = mapped_column(Boolean, default=False)
    feedback: Mapped[str | None] = mapped_column(String(4))
    bot_messages: Mapped[int] = mapped_column(Integer, default=0)
    response_ms: Mapped[int | None] = mapped_column(Integer)
    reply: Mapped[str | None] = mapped_column(Text)

    conversation: Mapped[Conversation | None] = relationship()


class IngestCheckpoint(Base):
    """How far the ingester has read a source (the broker's last event id)."""

    __tablename__ = "ingest_checkpoints"

    source: Mapped[str] = mapped_column(String(100), primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class IngestedMessage(Base):
    """A broker message already ingested (queues deliver at least once: this drops repeats)."""

    __tablename__ = "ingested_messages"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    ingested_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )


class DailyUsage(Base):
    """Per UTC day and channel, the additive figures of the summary (rebuilt from turns)."""

    __tablename__ = "analytics_daily"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    messages: Mapped[int] = mapped_column(Integer, default=0)
    users: Mapped[int] = mapped_column(Integer, default=0)  # distinct senders, this channel
    day_users: Mapped[int] = mapped_column(Integer, default=0)  # distinct senders, all channels
    bot_messages: Mapped[int] = mapped_column(Integer, default=0)
    answered: Mapped[int] = mapped_column(Integer, default=0)
    questions: Mapped[int] = mapped_column(Integer, default=0)
    fallbacks: Mapped[int] = mapped_column(Integer, default=0)
    handoffs: Mapped[int] = mapped_column(Integer, default=0)
    feedback_up: Mapped[int] = mapped_column(Integer, default=0)
    feedback_down: Mapped[int] = mapped_column(Integer, default=0)
    unanswered: Mapped[int] = mapped_column(Integer, default=0)
    online_links: Mapped[int] = mapped_column(Integer, default=0)


class DailyUser(Base):
    """Who wrote on a day and channel (for exact distinct counts over any range)."""

    __tablename__ = "analytics_daily_users"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    answered: Mapped[int] = mapped_column(Integer, default=0)


class DailyKey(Base):
    """Per day and channel, how often an intent, a procedure, or an answered procedure
    (``kind`` = ``intent`` | ``procedure`` | ``answered``) came up."""

    __tablename__ = "analytics_daily_keys"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class DailyLatency(Base):
    """Per day and channel, a histogram of response times (10 ms buckets under 1 s,
    100 ms under 10 s, 1 s above, up to 120 s)."""

    __tablename__ = "analytics_daily_latency"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    bucket_ms: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
