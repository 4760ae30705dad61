"""The declarative base of every table, and the helpers the models share.

The models live with their stage (``trolyao.kb.models``, ``trolyao.accounts.models``,
``trolyao.analytics.models``, ``trolyao.deletion``, ``trolyao.audit``);
:func:`trolyao.migrate.all_metadata` gathers them for Alembic.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON
from sqlalchemy.orm import DeclarativeBase


def check_in(column: str, values: tuple[str, ...], *, nullable: bool = True) -> str:
    """A CHECK clause: ``column`` is one of ``values`` (or NULL when ``nullable``)."""
    listed = ", ".join(f"'{v}'" for v in values)
    clause = f"{column} IN ({listed})"
    return f"{column} IS NULL OR {clause}" if nullable else clause


def utcnow() -> dt.datetime:
    """Return the current time, timezone-aware in UTC."""
    return dt.datetime.now(dt.timezone.utc)


def as_utc(value: dt.datetime) -> dt.datetime:
    """``value`` as an aware UTC datetime (SQLite returns naive ones for aware columns)."""
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def iso(value: dt.datetime | None) -> str | None:
    """``value`` as ISO 8601 in UTC (``2026-11-30T10:46:40Z``), ``None`` for ``None``."""
    if value is None:
        return None
    return as_utc(value).astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")


class Base(DeclarativeBase):
    """Declarative base of every table."""

    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON}  # noqa: RUF012
