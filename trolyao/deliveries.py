"""What the channels must share between API processes and keep across restarts: the
deliveries already received (a messenger redelivers a webhook it thinks was lost) and the
rotating tokens of a channel's API (Zalo's refresh token changes at every refresh).

Redelivery memory, one mechanism for every channel (Telegram's ``update_id``, Zalo's
``msg_id``): :func:`first_delivery` inserts a row keyed by (channel, delivery id) into
``channel_deliveries``; the primary key makes the INSERT of a delivery already received
fail, on SQLite and PostgreSQL alike, so exactly one of several API replicas (or a replica
after a restart) takes a delivery in. The database is always there (``make run`` has no
Redis); the worker forgets rows older than :data:`DELIVERY_MEMORY`
(:func:`forget_deliveries`).

Tokens at rest are encrypted (Fernet: AES-128-CBC with HMAC-SHA256) with a key from the
environment, ``CHANNEL_TOKEN_KEY`` (any secret of 32+ characters; ``make run`` generates one
into ``var/secrets.env``). Rotation: set the new key as ``CHANNEL_TOKEN_KEY`` and the old one
in ``CHANNEL_TOKEN_OLD_KEYS`` (comma-separated); rows are read with any of them and written
with the new one, so the old key may go once every replica has saved a refresh (or after
``trolyao`` re-saves them). A database backup alone never shows a token.

Only one replica refreshes at a time: a refresh takes a lease on the channel's row
(:func:`take_refresh_lease`, one atomic UPDATE that works on SQLite and PostgreSQL alike);
the others wait for the pair it stores and reload it, so Zalo's single-use refresh token is
never spent twice.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import DateTime, Engine, String, Text, delete, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from trolyao.errors import TroLyAoError
from trolyao.schema import Base, utcnow

#: Encrypted values start with this (a plain token from before encryption does not).
ENCRYPTED = "enc:v1:"
#: How long a delivery is remembered: Telegram keeps retrying an update for up to a day,
#: Zalo for minutes; the worker's hourly purge keeps each row at least this long.
DELIVERY_MEMORY = dt.timedelta(days=1)
#: How long one replica may hold the refresh lease before another may take it over.
REFRESH_LEASE = dt.timedelta(seconds=30)


class TokenKeyMissing(TroLyAoError):
    """A channel's tokens would be stored without ``CHANNEL_TOKEN_KEY``."""


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
    access_token: Mapped[str] = mapped_column(Text)  # encrypted (ENCRYPTED + Fernet token)
    refresh_token: Mapped[str | None] = mapped_column(Text)  # encrypted
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    refreshing_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


def _fernet(secret: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest()))


class TokenCipher:
    """Encrypts with the current key, decrypts with it or any old one."""

    def __init__(self, key: str | None, old_keys: str = "") -> None:
        if not key or len(key) < 32:
            raise TokenKeyMissing(
                "CHANNEL_TOKEN_KEY (32+ characters) is needed to keep a channel's tokens"
            )
        keys = [key, *(k.strip() for k in old_keys.split(",") if k.strip())]
        self._multi = MultiFernet([_fernet(k) for k in keys])

    def seal(self, value: str) -> str:
        """``value`` encrypted for storage."""
        return ENCRYPTED + self._multi.encrypt(value.encode()).decode()

    def open(self, stored: str) -> str:
        """A stored value in clear (a plain one from before encryption as it is)."""
        if not stored.startswith(ENCRYPTED):
            return stored
        try:
            return self._multi.decrypt(stored[len(ENCRYPTED) :].encode()).decode()
        except InvalidToken as exc:
            raise TokenKeyMissing(
                "the channel's tokens were stored with a key that is not configured "
                "(CHANNEL_TOKEN_KEY, CHANNEL_TOKEN_OLD_KEYS)"
            ) from exc


def first_delivery(session: Session | Engine, channel: str, delivery_id: str) -> bool:
    """Record a delivery of ``channel``; ``False`` when it was received before (by this or
    any other process, before a restart too). Blocking: call it from a worker thread in
    async code (``asyncio.to_thread``).

    ``session`` may be an engine (a short session of its own is used). Commits: the
    record must be visible to every other process at once.
    """
    if isinstance(session, Engine):
        with Session(session) as own:
            return first_delivery(own, channel, delivery_id)
    session.add(Delivery(channel=channel, delivery_id=delivery_id[:128], received_at=utcnow()))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def forget_deliveries(session: Session, older_than: dt.timedelta = DELIVERY_MEMORY) -> int:
    """Drop the memory of deliveries older than ``older_than`` (messengers stop retrying)."""
    result = session.execute(delete(Delivery).where(Delivery.received_at < utcnow() - older_than))
    return int(getattr(result, "rowcount", 0) or 0)


def load_tokens(
    session: Session, channel: str, cipher: TokenCipher
) -> tuple[str, str | None] | None:
    """The channel's stored pair in clear, if one was ever stored. A pair stored in clear
    before encryption is encrypted now."""
    row = session.get(ChannelTokens, channel)
    if row is None:
        return None
    access = cipher.open(row.access_token)
    refresh = cipher.open(row.refresh_token) if row.refresh_token else None
    if not row.access_token.startswith(ENCRYPTED) or (
        row.refresh_token and not row.refresh_token.startswith(ENCRYPTED)
    ):
        row.access_token = cipher.seal(access)
        row.refresh_token = cipher.seal(refresh) if refresh else None
        session.commit()
    return access, refresh


def save_tokens(
    session: Session, channel: str, access: str, refresh: str | None, cipher: TokenCipher
) -> None:
    """Keep a new pair of tokens, encrypted (the refresh token rotates), and end any
    refresh lease on the row."""
    row = session.get(ChannelTokens, channel)
    if row is None:
        row = ChannelTokens(channel=channel)
        session.add(row)
    row.access_token = cipher.seal(access)
    row.refresh_token = cipher.seal(refresh) if refresh else None
    row.updated_at = utcnow()
    row.refreshing_until = None
    session.commit()


def take_refresh_lease(session: Session, channel: str, now: dt.datetime | None = None) -> bool:
    """Take the channel's refresh lease (for :data:`REFRESH_LEASE`); ``False`` when another
    process holds it. One atomic UPDATE: exactly one of many replicas gets it."""
    now = now or utcnow()
    result = session.execute(
        update(ChannelTokens)
        .where(
            ChannelTokens.channel == channel,
            or_(ChannelTokens.refreshing_until.is_(None), ChannelTokens.refreshing_until < now),
        )
        .values(refreshing_until=now + REFRESH_LEASE)
    )
    session.commit()
    return int(getattr(result, "rowcount", 0) or 0) == 1


def release_refresh_lease(session: Session, channel: str) -> None:
    """End the lease without a new pair (the refresh failed)."""
    session.execute(
        update(ChannelTokens).where(ChannelTokens.channel == channel).values(refreshing_until=None)
    )
    session.commit()
