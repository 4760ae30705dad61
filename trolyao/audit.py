"""The audit log: who did what to the knowledge base or to staff accounts, and when."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from trolyao.schema import Base, utcnow


class AuditEntry(Base):
    """Who did what to the knowledge base or to staff accounts, and when."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(32), index=True)
    target: Mapped[str | None] = mapped_column(String(200), index=True)
    version: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


def audit(
    session: Session,
    user: str,
    action: str,
    target: str | None,
    version: int | None,
    detail: dict[str, Any],
) -> None:
    """Write one audit entry (in the caller's transaction)."""
    session.add(
        AuditEntry(
            username=user, action=action, target=target, version=version, detail=detail, at=utcnow()
        )
    )
