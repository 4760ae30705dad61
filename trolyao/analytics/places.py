"""Where citizens ask from: the turns in which a citizen gave (or was answered for) their
commune, counted per current unit, every unit listed (the quiet ones too), with the
unit's position for an offline map-like grid (no tiles are ever fetched)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from trolyao.analytics.models import Turn
from trolyao.analytics.summary import Range
from trolyao.places.gazetteer import gazetteer
from vntext import fold


def questions_by_place(session: Session, span: Range) -> dict[str, Any]:
    """``{"from", "to", "channel", "turns", "with_place", "items": [{code, title, kind,
    questions, people, lat, lon}]}``, units by questions (most first), then by name."""
    rows = session.execute(
        select(Turn.place_code, func.count(), func.count(distinct(Turn.sender_id)))
        .where(span.where(), Turn.place_code.is_not(None))
        .group_by(Turn.place_code)
    ).all()
    counts = {code: (int(n), int(people)) for code, n, people in rows}
    turns = session.scalar(select(func.count()).select_from(Turn).where(span.where())) or 0
    items = [
        {
            "code": unit.code,
            "title": unit.title,
            "kind": unit.kind,
            "questions": counts.get(unit.code, (0, 0))[0],
            "people": counts.get(unit.code, (0, 0))[1],
            "lat": unit.lat,
            "lon": unit.lon,
        }
        for unit in gazetteer().units.values()
    ]
    items.sort(key=lambda i: (-int(i["questions"] or 0), fold(str(i["title"]))))
    return {
        "from": span.start.isoformat(),
        "to": span.end.isoformat(),
        "channel": span.channel,
        "turns": int(turns),
        "with_place": sum(n for n, _ in counts.values() if n),
        "items": items,
    }
