"""What the channels must share between API processes and keep across restarts: the
deliveries already received (a messenger redelivers a webhook it thinks was lost) and the
rotating tokens of a channel's API (Zalo's refresh token changes at every refresh).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, String, Text, delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from trolyao.schema import Base, utcnow


class Delivery(Base):
    """One delivery (a channel's message or update id) already taken in."""

    __tablename__ = "channel_deliveries"

    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    delivery_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    received_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )


class ChannelTokens(Base):
    """A channel's current API tokens (only the channel's own process reads them)."""

    __tablename__ = "channel_tokens"

    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    access_token: Mapped[str] = mapped_column(Text)
    refresh_token: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


def first_delivery(session: Session, channel: str, delivery_id: str) -> bool:
    """Record a delivery; ``False`` when it was received before (by any process).

    Commits: the record must be visible to every other process at once.
    """
    session.add(Delivery(channel=channel, delivery_id=delivery_id[:128], received_at=utcnow()))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def forget_deliveries(session: Session, older_than: dt.timedelta) -> int:
    """Drop the memory of deliveries older than ``older_than`` (messengers stop retrying)."""
    result = session.execute(delete(Delivery).where(Delivery.received_at < utcnow() - older_than))
    return int(getattr(result, "rowcount", 0) or 0)


def load_tokens(session: Session, channel: str) -> ChannelTokens | None:
    """The channel's stored tokens, if a refresh ever stored any."""
    return session.get(ChannelTokens, channel)


def save_tokens(session: Session, channel: str, access: str, refresh: str | None) -> None:
    """Keep a new pair of tokens (the refresh token rotates)."""
    row = session.get(ChannelTokens, channel)
    if row is None:
        row = ChannelTokens(channel=channel)
        session.add(row)
    row.access_token = access
    row.refresh_token = refresh
    row.updated_at = utcnow()
    session.commit()
