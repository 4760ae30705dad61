"""Lạng Sơn's administrative units in the database: the 65 current units with their
office's contact (kept by admins), and the 194 old communes with the unit(s) each became.

Names and the old → new map come from the project's data file (``trolyao.places.data``,
extracted from ``vietnamadminunits`` and checked against Resolution 1672/NQ-UBTVQH15); the
seed step loads them and never overwrites a contact an admin has written. A contact
nobody has filled in stays null, and the assistant says it does not know it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, DateTime, Float, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from trolyao.places.gazetteer import gazetteer
from trolyao.schema import Base, utcnow

CONTACT_FIELDS = ("address", "phone", "hours", "map_url")
MAX_LENGTH = {"address": 500, "phone": 100, "hours": 300, "map_url": 1000}
CONTACT_LABELS = {
    "address": "Địa chỉ",
    "phone": "Điện thoại",
    "hours": "Giờ làm việc",
    "map_url": "Bản đồ",
}


class AdminUnit(Base):
    """A commune-level unit since 1 July 2025 (xã or phường) and its office's contact."""

    __tablename__ = "admin_units"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    address: Mapped[str | None] = mapped_column(String(500))
    phone: Mapped[str | None] = mapped_column(String(100))
    hours: Mapped[str | None] = mapped_column(String(300))
    map_url: Mapped[str | None] = mapped_column(String(1000))
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str | None] = mapped_column(String(64))


class LegacyUnit(Base):
    """A commune-level unit before 1 July 2025 and the current unit(s) it became."""

    __tablename__ = "admin_units_legacy"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))
    district_code: Mapped[str] = mapped_column(String(10))
    district_name: Mapped[str] = mapped_column(String(100))
    district_kind: Mapped[str] = mapped_column(String(10))
    successors: Mapped[list[str]] = mapped_column(JSON, default=list)


@dataclass(frozen=True)
class Office:
    """Where a unit's commune-level procedures are handled, as far as it is known."""

    code: str
    title: str
    address: str | None = None
    phone: str | None = None
    hours: str | None = None
    map_url: str | None = None

    @property
    def known(self) -> bool:
        return any(getattr(self, f) for f in CONTACT_FIELDS)


def seed_units(session: Session) -> int:
    """Load the units and the old communes (idempotent; contacts are never touched)."""
    g = gazetteer()
    have = set(session.scalars(select(AdminUnit.code)))
    added = 0
    for unit in g.units.values():
        if unit.code not in have:
            row = AdminUnit(code=unit.code, name=unit.name, kind=unit.kind)
            row.lat, row.lon = unit.lat, unit.lon
            session.add(row)
            added += 1
    old = set(session.scalars(select(LegacyUnit.code)))
    for commune in g.old.values():
        if commune.code not in old:
            session.add(
                LegacyUnit(
                    code=commune.code,
                    name=commune.name,
                    kind=commune.kind,
                    district_code=commune.district.code,
                    district_name=commune.district.name,
                    district_kind=commune.district.kind,
                    successors=list(commune.successors),
                )
            )
    session.flush()
    return added


def office(session: Session, code: str) -> Office | None:
    """The office of unit ``code`` (its contact as admins keep it)."""
    row = session.get(AdminUnit, code)
    unit = gazetteer().unit(code)
    if unit is None:
        return None
    if row is None:
        return Office(code, unit.title)
    return Office(code, unit.title, row.address, row.phone, row.hours, row.map_url)


def as_item(row: AdminUnit) -> dict[str, Any]:
    """The API's shape of a unit, with the old communes it took in."""
    unit = gazetteer().unit(row.code)
    return {
        "code": row.code,
        "name": row.name,
        "kind": row.kind,
        "title": unit.title if unit else row.name,
        **{f: getattr(row, f) for f in CONTACT_FIELDS},
        "previously": [
            f"{o.title} ({o.district.title})" for o in gazetteer().predecessors(row.code)
        ],
        "updated_at": row.updated_at.isoformat() if row.updated_at else None,
        "updated_by": row.updated_by,
    }


def clean_contact(values: dict[str, Any]) -> dict[str, str | None]:
    """The contact fields of ``values``, trimmed; an empty one is null (not known)."""
    out: dict[str, str | None] = {}
    for name in CONTACT_FIELDS:
        if name in values:
            value = str(values[name] or "").strip()
            out[name] = value[: MAX_LENGTH[name]] or None
    return out


def update_contact(
    session: Session, code: str, values: dict[str, Any], user: str
) -> dict[str, tuple[str | None, str | None]] | None:
    """Change the contact of unit ``code``; return what changed (``None``: no such unit)."""
    row = session.get(AdminUnit, code)
    if row is None:
        return None
    changes: dict[str, tuple[str | None, str | None]] = {}
    for name, value in clean_contact(values).items():
        if getattr(row, name) != value:
            changes[name] = (getattr(row, name), value)
            setattr(row, name, value)
    if changes:
        row.updated_at = utcnow()
        row.updated_by = user
    return changes
