"""The province's help desk as citizens are told of it: phone, e-mail, address, opening
hours. Admins keep it in the database (``/admin/help-desk``); the settings' CONTACT_* are
only its first values. What nobody has filled in is never made up: the bot says it has no
number yet and points to the provincial portal once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import DateTime, Engine, Integer, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from trolyao.schema import Base, utcnow
from trolyao.settings import get_settings

FIELDS = ("phone", "email", "address", "hours")
MAX_LENGTH = {"phone": 100, "email": 200, "address": 500, "hours": 300}


class HelpDeskRow(Base):
    """The one row of the help desk's details (id 1)."""

    __tablename__ = "help_desk"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    phone: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(500))
    hours: Mapped[str | None] = mapped_column(String(300))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(64))


@dataclass(frozen=True)
class HelpDesk:
    """The details as they stand (``None``: nobody has said)."""

    phone: str | None = None
    email: str | None = None
    address: str | None = None
    hours: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {f: getattr(self, f) for f in FIELDS}


def current(session: Session) -> HelpDesk:
    """The admins' values, else the settings' (CONTACT_PHONE …)."""
    row = session.get(HelpDeskRow, 1)
    if row is not None:
        return HelpDesk(row.phone, row.email, row.address, row.hours)
    settings = get_settings()
    return HelpDesk(
        settings.contact_phone,
        settings.contact_email,
        settings.contact_address,
        settings.contact_hours,
    )


def current_from(engine: Engine) -> HelpDesk:
    """:func:`current` in a session of its own."""
    with Session(engine) as session:
        return current(session)


def save(session: Session, values: dict[str, str | None], user: str) -> HelpDesk:
    """Replace the details (an empty value clears one)."""
    row = session.get(HelpDeskRow, 1) or HelpDeskRow(id=1)
    for name in FIELDS:
        value = (values.get(name) or "").strip()
        setattr(row, name, value[: MAX_LENGTH[name]] or None)
    row.updated_at = utcnow()
    row.updated_by = user
    session.add(row)
    return HelpDesk(row.phone, row.email, row.address, row.hours)
