"""Public procedure look-ups: search and full records."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from api.deps import SearchDep, SessionDep
from trolyao.kb.records import PublicProcedure, to_record
from trolyao.kb.repository import get_procedure
from trolyao.kb.search import SearchHit

router = APIRouter(prefix="/api/procedures", tags=["procedures"])


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
