"""Public procedure look-ups: search, life events and their procedures, full records."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query
from pydantic import BaseModel

from api.deps import SearchDep, SessionDep
from trolyao.kb.life_events import LABELS, LIFE_EVENTS
from trolyao.kb.records import PublicProcedure, to_record
from trolyao.kb.repository import get_procedure
from trolyao.kb.search import SearchHit
from vntext import fold

router = APIRouter(prefix="/api/procedures", tags=["procedures"])
events_router = APIRouter(prefix="/api/life-events", tags=["procedures"])


class LifeEventOut(BaseModel):
    """A life event (sự kiện) and how many procedures in force it leads to."""

    key: str
    label: str
    procedures: int


class ProcedureBrief(BaseModel):
    """A procedure in a list: enough to show it and to ask about it by ``key``."""

    code: str | None
    key: str
    name: str
    short_name: str | None
    field: str


class ProcedureList(BaseModel):
    """A life event's procedures, by name."""

    event: LifeEventOut
    items: list[ProcedureBrief]


@events_router.get("", response_model=list[LifeEventOut])
def life_events(search: SearchDep, session: SessionDep) -> list[LifeEventOut]:
    """The life events, in the portal's order, each with its number of procedures."""
    rows = search.index(session).rows
    return [
        LifeEventOut(
            key=event.key,
            label=event.label,
            procedures=sum(1 for row in rows if event.key in row.life_events),
        )
        for event in LIFE_EVENTS
    ]


@router.get("", response_model=ProcedureList, responses={404: {}})
def procedures_of_event(
    search: SearchDep,
    session: SessionDep,
    event: Annotated[
        str, Query(max_length=60, description="Sự kiện, vd co_con_nho (GET /api/life-events)")
    ],
) -> ProcedureList:
    """The procedures in force for one life event, by name."""
    if event not in LABELS:
        raise HTTPException(404, f"Không có sự kiện '{event[:60]}'. Xem GET /api/life-events.")
    rows = sorted(
        (row for row in search.index(session).rows if event in row.life_events),
        key=lambda row: fold(row.name),
    )
    return ProcedureList(
        event=LifeEventOut(key=event, label=LABELS[event], procedures=len(rows)),
        items=[
            ProcedureBrief(
                code=row.code,
                key=row.code or row.slug,
                name=row.name,
                short_name=row.short_name,
                field=row.field,
            )
            for row in rows
        ],
    )


class ProcedureHit(BaseModel):
    """A ranked procedure."""

    code: str | None
    key: str
    name: str
    field: str
    score: float

    @classmethod
    def of(cls, hit: SearchHit) -> ProcedureHit:
        return cls(code=hit.code, key=hit.key, name=hit.name, field=hit.field, score=hit.score)


class SearchResponse(BaseModel):
    """Search results: ``items`` are the best candidates, best first, with their scores,
    whatever they are; ``matched`` says whether the best is a confident match and
    ``ambiguous`` whether the top ones are too close to pick one. ``suggestions`` repeats
    the nearest three when nothing matched (kept for older clients)."""

    items: list[ProcedureHit]
    matched: bool
    ambiguous: bool
    suggestions: list[ProcedureHit]


@router.get("/search", response_model=SearchResponse)
def search(
    search: SearchDep,
    session: SessionDep,
    q: Annotated[str, Query(description="Câu hỏi của người dân, có hoặc không dấu")] = "",
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
) -> SearchResponse:
    """Rank procedures for a citizen's message: the ``limit`` best, always, with the flags
    that say how confident the ranking is."""
    result = search.search(q, limit, session=session)
    weak = [] if result.matched else result.hits[:3]
    return SearchResponse(
        items=[ProcedureHit.of(h) for h in result.hits],
        matched=result.matched,
        ambiguous=result.ambiguous,
        suggestions=[ProcedureHit.of(h) for h in weak],
    )


@router.get("/{code}", response_model=PublicProcedure)
def read_procedure(
    session: SessionDep,
    code: Annotated[str, Path(description="Mã thủ tục (vd 1.001193) hoặc mã nội bộ")],
) -> PublicProcedure:
    """Return the full public record of a procedure, by national code or local key."""
    return to_record(get_procedure(session, code))
