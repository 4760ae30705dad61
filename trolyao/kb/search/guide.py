"""Guided narrowing by life event, as the national portal groups services "theo sự kiện".

When search is unsure, the citizen is offered the two or three life events its best
candidates belong to ("Người thân qua đời", "Đất đai và nhà ở"); pressing one lists that
event's procedures, the ones nearest to what the citizen wrote first. So a citizen who
does not know a procedure's name reaches it in at most two presses: a procedure button,
or an event and then the procedure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from trolyao.errors import InvalidQuery
from trolyao.kb.life_events import LABELS
from trolyao.kb.repository import IndexRow
from trolyao.kb.search.evaluation import accepted
from trolyao.kb.search.index import SearchHit, SearchIndex
from trolyao.settings import get_settings
from vntext import fold

MAX_EVENTS = 3  # events offered at once
MAX_EVENT_CHOICES = 5  # procedures offered as buttons for one event


def likely_events(index: SearchIndex, hits: Iterable[SearchHit]) -> list[str]:
    """The life events of ``hits``, most likely first (each weighted by its hits' scores),
    at most :data:`MAX_EVENTS`."""
    events_of = {row.id: row.life_events for row in index.rows}
    weight: dict[str, float] = {}
    for hit in hits:
        for event in events_of.get(hit.procedure_id, ()):
            weight[event] = weight.get(event, 0.0) + max(hit.score, 1e-6)
    return sorted(weight, key=lambda e: -weight[e])[:MAX_EVENTS]


def event_procedures(
    index: SearchIndex,
    event: str,
    text: str = "",
    rank: Callable[[str, int], list[SearchHit]] | None = None,
) -> list[IndexRow]:
    """The procedures of life event ``event``: those nearest to ``text`` (what the
    citizen wrote before pressing the event) first, then the rest by name.

    ``rank`` ranks procedures for a text (default: ``index.search``); an unknown event
    has none."""
    if event not in LABELS:
        return []
    rows = [row for row in index.rows if event in row.life_events]
    scores: dict[int, float] = {}
    if text.strip():
        rank = rank or (lambda q, n: index.search(q, n).hits)
        try:
            scores = {hit.procedure_id: hit.score for hit in rank(text, 50)}
        except InvalidQuery:
            scores = {}
    return sorted(rows, key=lambda row: (-scores.get(row.id, 0.0), fold(row.name)))


MAX_PROCEDURE_CHOICES = 4  # procedure buttons offered when unsure (actions.procedures)


def presses_to_reach(
    index: SearchIndex,
    text: str,
    wanted: set[str],
    *,
    threshold: float,
    ambiguity_margin: float,
) -> int | None:
    """How many button presses a citizen who wrote ``text`` needs to reach a procedure
    whose code or name is in ``wanted``: 0 when it is answered at once, 1 when it is one of
    the offered procedures, 2 when it is among an offered life event's first choices;
    ``None`` when it is not reached (answered wrongly with confidence, or not offered)."""
    result = index.search(text, 5, threshold=threshold, ambiguity_margin=ambiguity_margin)
    hits = result.hits

    def fits(name: str, code: str | None) -> bool:
        return bool(wanted & {name, code or ""})

    if hits and result.matched and not result.ambiguous:
        return 0 if fits(hits[0].name, hits[0].code) else None
    if any(fits(h.name, h.code) for h in hits[:MAX_PROCEDURE_CHOICES]):
        return 1
    for event in likely_events(index, hits):
        rows = event_procedures(index, event, text)[:MAX_EVENT_CHOICES]
        if any(fits(row.name, row.code) for row in rows):
            return 2
    return None


def two_press_reach(index: SearchIndex, cases: Iterable[dict[str, Any]]) -> float:
    """The share of evaluation ``cases`` (see :mod:`trolyao.kb.search.evaluation`) whose
    procedure a citizen reaches in at most two presses (:func:`presses_to_reach`), with
    the settings' threshold and margin."""
    settings = get_settings()
    outcomes = [
        presses_to_reach(
            index,
            case["query"],
            accepted(case),
            threshold=settings.search_threshold,
            ambiguity_margin=settings.search_ambiguity_margin,
        )
        for case in cases
    ]
    return sum(o is not None for o in outcomes) / len(outcomes) if outcomes else 0.0
